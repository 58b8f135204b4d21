# The model zoo's NEU-CLS classifier: CSPNeXt-tiny from scratch on 160 px
# random resized crops (NEU images are 200 px), 40 epochs of AdamW + cosine
# on one CPU thread, tested on whole images at 192 px: crops show the
# texture larger than a whole image resized to the same size (the FixRes
# train / test discrepancy); 192 was chosen on the validation split (160:
# 97.8 %, 176-192: 98.3 %, 200: 95.6 %).
# 70 / 10 / 20 % seeded split, the one NEU-DET uses too: its backbone
# initialises the NEU-DET RTMDet-tiny without test leakage.
#   python tools/train.py configs/resnet/ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px.py --data-root NEU-DET
_base_ = [
    '../_base_/models/cspnext-tiny_linear-cls.py',
    '../_base_/datasets/neu_cls.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ of NEU-DET (class from file name)
img_size = 160  # training crops
test_size = 192  # whole images at test time
batch_size = 32
num_workers = 1
max_epochs = 40
lr = 2e-3
# -----------------------------------------------------------------------------
# the top-level preprocessor (the data set base's, RGB) matches the model's:
# test-time augmentation wraps the model and would otherwise take it
data_preprocessor = dict(
    mean=[103.53, 116.28, 123.675], std=[57.375, 57.12, 58.395], to_rgb=False)
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
    dict(type='mmpretrain.Resize', scale=(test_size, test_size)),
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

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 1,
        begin=1,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
randomness = dict(seed=0, deterministic=True)
visualizer = dict(type='mmpretrain.UniversalVisualizer')
