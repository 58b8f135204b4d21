# Half-width ResNet-18 on NEU-CLS (6 steel-surface defect classes x 300
# images, 200 px), trained from scratch at 64 px for 4 epochs: the model
# zoo's CPU-sized NEU classifier (model_zoo.md). 70 / 10 / 20 % seeded split,
# the one NEU-DET uses too, so its backbone can initialise the NEU-DET
# detector without test leakage.
#   python tools/train.py configs/resnet/ce_r18-w32_1xb32-adam-4e_neu-cls-64px.py
_base_ = [
    '../_base_/models/resnet18-w32_linear-cls.py',
    '../_base_/datasets/neu_cls.py',
    '../_base_/schedules/adam_coslr_4e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ of NEU-DET (class from file name)
img_size = 64
batch_size = 32
num_workers = 2
# -----------------------------------------------------------------------------
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.5, 1.0)),
    dict(type='RandomRot90'),
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
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook',
        interval={{_base_.max_epochs}},
        max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
