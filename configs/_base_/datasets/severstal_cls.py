# Severstal steel defects (Kaggle 2019) as multi-label image classification:
# which of the 4 defect classes are in an image (defect-free: no label).
# Read from train.csv directly; the split files are those of
#   python tools/dataset_converters/severstal_to_masks.py data/severstal
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/severstal_cls.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/severstal/'  # train.csv + train_images/ + splits/
train_split = 'splits/train.txt'
val_split = 'splits/val.txt'
img_scale = (800, 128)  # (w, h): half of 1600 x 256
num_classes = 4
batch_size = 16  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'SeverstalClsDataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,
    to_onehot=True)  # multi-label targets

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=img_scale),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=img_scale),
    dict(type='mmpretrain.PackInputs'),
]

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='train.csv',
        data_prefix='train_images',
        image_list=train_split,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='train.csv',
        data_prefix='train_images',
        image_list=val_split,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmpretrain.MultiLabelMetric', average='macro'),
    dict(type='mmpretrain.AveragePrecision'),
]
test_evaluator = val_evaluator
