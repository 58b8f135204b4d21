# NEU surface defects, classification (NEU-CLS): 6 classes x 300 images.
# Class from the file name; seeded stratified split made on the fly.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/neu_cls.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ (+ ANNOTATIONS/) of NEU-DET
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per class
split_seed = 0
# Split files instead (tools/dataset_converters/neu_split.py): set
# ann_file='splits/train.txt' etc. in the datasets below.
num_classes = 6
img_size = 224
batch_size = 32  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'NEUClsDataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.5, 1.0)),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
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
    split='train',
    split_ratios=split_ratios,
    split_seed=split_seed,
    pipeline=train_pipeline)
val_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    split='val',
    split_ratios=split_ratios,
    split_seed=split_seed,
    pipeline=test_pipeline)
test_dataset = dict(val_dataset, split='test')

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
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=test_dataset)
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
