# SimCLR (in-domain self-supervision, the X-ray paper's idea) on the NEU-CLS
# training images without their labels: the zoo classifier's CSPNeXt-tiny,
# two 128 px views of 20-100 % of an image, 20 epochs on one CPU thread.
# The same 70 / 10 / 20 % seeded split as the zoo classifier: only its
# training images are seen. benchmarks/ssl_init.py fine-tunes the zoo
# NEU-CLS recipe from this backbone and from random init at one budget.
#   python tools/train.py configs/resnet/simclr_cspnext-tiny_1xb64-adamw-20e_neu-cls-128px.py --data-root NEU-DET
_base_ = '../scl_arcmargin/simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ of NEU-DET (or NEU-CLS)
img_size = 128
max_epochs = 20
# -----------------------------------------------------------------------------
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
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        split_ratios=(0.7, 0.1, 0.2),  # the zoo classifier's split
        pipeline=train_pipeline))
model = dict(
    # the zoo classifier's preprocessing: BGR in, BGR mean / std
    data_preprocessor=dict(
        mean=[103.53, 116.28, 123.675],
        std=[57.375, 57.12, 58.395],
        to_rgb=False),
    backbone=dict(
        _delete_=True,
        type='mmdet.CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=0.375,
        channel_attention=True,
        out_indices=(4, ),
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    neck=dict(in_channels=384))
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
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=True)
