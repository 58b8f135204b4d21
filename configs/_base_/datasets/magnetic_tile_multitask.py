# Magnetic-tile defects for multi-task models: image label (defect-free /
# defective), binary mask (binarised at mask_threshold) and one box per
# connected mask component (>= min_area pixels), all from the PNG masks.
# Four Uneven images have empty masks in the published data: skip_invalid
# leaves them out with one warning.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/magnetic_tile_seg.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per folder class
split_seed = 0
mask_threshold = 128
min_area = 4  # smaller components give no box
img_scale = (600, 600)  # the paper's input size (w, h)
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'MagneticTileSegDataset'

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
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
    # annotations after the resize: metrics at the original size
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
    dict(type='PackMultiTaskInputs'),
]

train_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    split='train',
    split_ratios=split_ratios,
    split_seed=split_seed,
    mask_threshold=mask_threshold,
    skip_invalid=True,
    pipeline=train_pipeline)
val_dataset = dict(train_dataset, split='val', pipeline=test_pipeline)
test_dataset = dict(val_dataset, split='test')

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=train_dataset)
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=val_dataset)
test_dataloader = dict(val_dataloader, dataset=test_dataset)
val_evaluator = dict(type='MultiTaskMetric')
test_evaluator = val_evaluator
