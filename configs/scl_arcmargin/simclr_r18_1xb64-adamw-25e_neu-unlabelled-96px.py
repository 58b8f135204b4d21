# Stage 0 of the no-ImageNet recipe: SimCLR on the *unlabelled* non-test NEU
# images (the 80 % side of the fixed, seeded 80/20 split; labels unused),
# ResNet-18 at 96 px. Its backbone initialises the SCL + ArcMargin configs
# (`pretrained` there), replacing the paper's ImageNet weights.
#   python tools/train.py configs/scl_arcmargin/simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py
_base_ = ['../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ of NEU-DET (or NEU-CLS)
split_ratios = (0.8, 0.0, 0.2)  # the small-data protocol's fixed split
split_seed = 0
img_size = 96
batch_size = 64  # per GPU (128 views in the NT-Xent pool)
num_workers = 2
max_epochs = 25
lr = 1e-3
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.SimCLR',
    data_preprocessor=dict(
        type='mmpretrain.SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=18, zero_init_residual=True),
    neck=dict(
        type='mmpretrain.NonLinearNeck',
        in_channels=512,
        hid_channels=512,
        out_channels=128,
        num_layers=2,
        with_avg_pool=True),
    head=dict(
        type='mmpretrain.ContrastiveHead',
        loss=dict(type='mmpretrain.CrossEntropyLoss'),
        temperature=0.2))

# Steel-surface views: crops, flips, right-angle turns, exposure changes
# (no hue / saturation: the images are grey).
view_pipeline = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.2, 1.0)),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
    dict(
        type='mmpretrain.RandomApply',
        prob=0.8,
        transforms=[
            dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4)
        ]),
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='NEUClsDataset',
        data_root=data_root,
        split='train',
        split_ratios=split_ratios,
        split_seed=split_seed,
        pipeline=train_pipeline))

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=lr, weight_decay=1e-4))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.1,
        by_epoch=True,
        begin=0,
        end=2,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 2,
        by_epoch=True,
        begin=2,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=1))
