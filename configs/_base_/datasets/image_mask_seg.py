# Your own segmentation masks: an image folder and a mask folder with the
# same file stems, per split:
#   data_root/train/images/a.jpg  data_root/train/masks/a.png ...
# Masks: 0/255 binary (binarised at mask_threshold) or, with more than two
# classes, class-index PNGs (mask_threshold=None).
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/image_mask_seg.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_masks/'
train_dir, val_dir, test_dir = 'train', 'val', 'test'
classes = ('background', 'defect')
mask_threshold = 'auto'  # 'auto': 128 for two classes, else None
missing_mask = 'error'  # 'background': image without mask = good
crop_size = (256, 256)
img_scale = (512, 512)
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'ImageMaskFolderDataset'

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
    dict(type='LoadDefectMask'),
    dict(type='mmseg.PackSegInputs'),
]

train_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=dict(
        img_path=train_dir + '/images', seg_map_path=train_dir + '/masks'),
    metainfo=dict(classes=classes),
    mask_threshold=mask_threshold,
    missing_mask=missing_mask,
    pipeline=train_pipeline)
val_dataset = dict(
    train_dataset,
    data_prefix=dict(
        img_path=val_dir + '/images', seg_map_path=val_dir + '/masks'),
    pipeline=test_pipeline)
test_dataset = dict(
    val_dataset,
    data_prefix=dict(
        img_path=test_dir + '/images', seg_map_path=test_dir + '/masks'))

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
