# Synthetic metal-surface defects, classification: the embedded default (no
# download). Five classes (scratch, spot, patch, crack, inclusion), 200 x 200
# grayscale images generated on the fly from (seed, split, index); train /
# val / test are independent streams.
# Samples: docs/images/synthetic_surface_grid.png.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/synthetic_surface_cls.py
# ---- frequently modified parameters ----------------------------------------
num_train = 1500  # balanced over the classes
num_val = 300
num_test = 300
seed = 0
img_size = 200  # generated size (NEU-like)
input_size = 224  # network input
with_defect_free = False  # True adds a 'defect_free' class (index 0)
num_classes = 5 + int(with_defect_free)
batch_size = 32  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'SyntheticSurfaceDefectDataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

# no loading transform: the dataset gives the generated image
train_pipeline = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=input_size,
        crop_ratio_range=(0.5, 1.0)),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='mmpretrain.ResizeEdge', scale=input_size, edge='short'),
    dict(type='mmpretrain.CenterCrop', crop_size=input_size),
    dict(type='mmpretrain.PackInputs'),
]

common = dict(
    type=dataset_type,
    task='cls',
    seed=seed,
    img_size=img_size,
    with_defect_free=with_defect_free)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        common, split='train', num_samples=num_train, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        common, split='val', num_samples=num_val, pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        common, split='test', num_samples=num_test, pipeline=test_pipeline))
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
