# GDXray Castings (Mery et al. 2015): X-ray images of automotive parts, one
# class "defect", boxes from ground_truth.txt converted to COCO with a
# series-based split (whole series on one side), e.g.
#   python tools/dataset_converters/gdxray_to_coco.py data/gdxray/Castings \
#       data/gdxray/annotations --test-fraction 0.2 --seed 0
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/gdxray_castings.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/gdxray/'  # Castings/ + annotations/
train_ann = 'annotations/train.json'
test_ann = 'annotations/test.json'  # GDXray has no val split: val = test
img_scale = (768, 768)  # Castings images are about 768 x 572
batch_size = 4  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'GDXrayCastingsDataset'
backend_args = None

train_pipeline = [
    dict(type='LoadImageChecked', backend_args=backend_args),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked', backend_args=backend_args),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='mmdet.AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_ann,
        data_prefix=dict(img='Castings/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=4),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=test_ann,
        data_prefix=dict(img='Castings/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='mmdet.CocoMetric',
    ann_file=data_root + test_ann,
    metric='bbox',
    format_only=False,
    backend_args=backend_args)
test_evaluator = val_evaluator
