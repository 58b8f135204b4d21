# Magnetic-tile defects, 6-class classification (Blowhole 115, Break 85,
# Crack 57, Fray 32, Free 952, Uneven 103): heavily imbalanced, so the
# macro-averaged precision / recall / F1 are reported beside accuracy.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/magnetic_tile_cls.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'  # MT_<Class>/Imgs/<id>.jpg (+ .png masks)
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per class
split_seed = 0
# Split files instead (tools/dataset_converters/magnetic_tile_split.py):
# set ann_file='/path/to/splits/train.txt' etc. in the datasets below.
num_classes = 6
img_size = 224
batch_size = 32  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'MagneticTileClsDataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

# Images are grey and of varied size and aspect (about 100-600 px).
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.6, 1.0)),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
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
test_dataloader = dict(val_dataloader, dataset=test_dataset)
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
