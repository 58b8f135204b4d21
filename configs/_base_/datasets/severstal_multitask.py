# Severstal steel defects (Kaggle 2019) for multi-task models: image label
# (defect-free / defective), class-index mask (4 classes + background) and
# one box per connected component of each class. Make the mask PNGs and the
# split once:
#   python tools/dataset_converters/severstal_to_masks.py data/severstal
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/severstal/'  # train_images/ + masks/ + splits/
train_split = 'splits/train.txt'
val_split = 'splits/val.txt'
img_scale = (800, 128)  # the paper's 128 x 800 input (w, h)
min_area = 4  # smaller components give no box
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'SeverstalSegDataset'
num_mask_classes = 5

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(
        type='MaskToInstances',
        num_classes=num_mask_classes,
        min_area=min_area),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(
        type='MaskToInstances',
        num_classes=num_mask_classes,
        min_area=min_area),
    dict(type='PackMultiTaskInputs'),
]
data_prefix = dict(img_path='train_images', seg_map_path='masks')

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_split,
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=val_split,
        data_prefix=data_prefix,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiTaskMetric')
test_evaluator = val_evaluator
