# GDXray Castings (one class "defect") for the X-ray transfer detectors:
# as gdxray_castings.py, but loading with LoadXRayImage (same windowing as
# the SSL pretraining) and evaluated with XRayDetMetric (VOC + COCO AP and
# recall of "defect"). Convert the release first:
#   python tools/dataset_converters/gdxray_to_coco.py data/gdxray/Castings \
#       data/gdxray/annotations --test-fraction 0.2 --seed 0
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/gdxray/'  # Castings/ + annotations/
train_ann = 'annotations/train.json'
test_ann = 'annotations/test.json'  # GDXray has no val split: val = test
img_scale = (768, 768)  # Castings images are about 768 x 572
batch_size = 2  # per GPU
num_workers = 2
score_thr = 0.5  # score threshold of the defect recall
# -----------------------------------------------------------------------------
dataset_type = 'GDXrayCastingsDataset'
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_pipeline = [
    load_xray,
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs'),
]
test_pipeline = [
    load_xray,
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
        pipeline=train_pipeline))
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
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='XRayDetMetric',
    ann_file=data_root + test_ann,
    critical_class='defect',
    score_thr=score_thr)
test_evaluator = val_evaluator
