# Severstal steel defects (Kaggle 2019) as semantic segmentation: 4 defect
# classes + background, 1600 x 256 images. Make the mask PNGs and the
# image-level split once:
#   python tools/dataset_converters/severstal_to_masks.py data/severstal
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/severstal_seg.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/severstal/'  # train_images/ + masks/ + splits/
train_split = 'splits/train.txt'
val_split = 'splits/val.txt'
crop_size = (256, 512)  # (h, w) random crops of the 256 x 1600 strip
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'SeverstalSegDataset'
data_preprocessor = dict(
    type='mmseg.SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.RandomCrop', crop_size=crop_size),
    dict(
        type='mmseg.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmseg.PackSegInputs'),
]
test_pipeline = [  # whole 1600 x 256 images
    dict(type='LoadImageChecked'),
    dict(type='mmseg.LoadAnnotations'),
    dict(type='mmseg.PackSegInputs'),
]
data_prefix = dict(img_path='train_images', seg_map_path='masks')

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_split,
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=val_split,
        data_prefix=data_prefix,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU', 'mDice'])
test_evaluator = val_evaluator
