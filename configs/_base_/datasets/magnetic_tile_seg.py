# Magnetic-tile defects, binary segmentation (background / defect) of the
# PNG masks, binarised at mask_threshold (the masks have grey edges).
# Four Uneven images have empty masks in the published data: skip_invalid
# leaves them out with one warning (check_dataset.py lists them).
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/magnetic_tile_seg.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per folder class
split_seed = 0
mask_threshold = 128
crop_size = (256, 256)
img_scale = (512, 512)
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'MagneticTileSegDataset'

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='LoadDefectMask'),
    dict(
        type='mmseg.RandomResize',
        scale=img_scale,
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='mmseg.RandomCrop', crop_size=crop_size),
    dict(type='mmseg.RandomFlip', prob=0.5),
    dict(type='mmseg.PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmseg.Resize', scale=img_scale, keep_ratio=True),
    # masks are loaded after the resize: metrics at the original size
    dict(type='LoadDefectMask'),
    dict(type='mmseg.PackSegInputs'),
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
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=train_dataset)
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=val_dataset)
test_dataloader = dict(val_dataloader, dataset=test_dataset)
val_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU', 'mDice'])
test_evaluator = val_evaluator
