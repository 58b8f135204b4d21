# Your own images, one folder per class (mmpretrain CustomDataset layout):
#   data_root/train/<class>/*.png, data_root/val/<class>/*.png, ...
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/image_folder_cls.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_defects/'
train_prefix, val_prefix, test_prefix = 'train', 'val', 'test'
classes = None  # None: the sorted folder names; or a
# tuple naming (and ordering) the folders
num_classes = 2
img_size = 224
batch_size = 32  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'ImageFolderClsDataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.RandomResizedCrop', scale=img_size),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.ResizeEdge', scale=img_size, edge='short'),
    dict(type='mmpretrain.CenterCrop', crop_size=img_size),
    dict(type='mmpretrain.PackInputs'),
]

train_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    data_prefix=train_prefix,
    classes=classes,
    pipeline=train_pipeline)
val_dataset = dict(
    train_dataset, data_prefix=val_prefix, pipeline=test_pipeline)
test_dataset = dict(val_dataset, data_prefix=test_prefix)

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=train_dataset)
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=val_dataset)
test_dataloader = dict(val_dataloader, dataset=test_dataset)
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
