# SimSiam (Intxausti et al. 2024: self-supervision on the user's own
# unlabelled radiographs) for the small-defect detector's backbone:
# mmdet's CSPNeXt-tiny, on the same good radiographs the detector's
# defects are superimposed on, with 96 px views of 2-10 % of a 640 px
# image (90-200 px regions: the scale of the detector's 256 px crops), CPU-sized
# projector / predictor (512 / 128).
#   python tools/train.py configs/xray/simsiam_cspnext-tiny_1xb32-sgd-coslr-40e_xray-good-96px.py
# then: configs/xray/rtmdet-p2_cspnext-tiny-simsiam-xray_1xb8-adamw-1k_xray-superimposed-640px.py
_base_ = './simsiam_r50_8xb32-sgd-coslr-100e_xray-224px.py'
# ---- frequently modified parameters ----------------------------------------
# your part: --data-root /data/my_part (its unlabelled/ radiographs); the
# default: the synthetic castings of the detector config
data_root = 'data/xray_castings/'
synthetic = dict(
    num_unlabelled=200,
    unlabelled_defects=(0, 0),
    num_train=200,
    num_val=100,
    img_size=640,
    seed=0,
    bit_depth=8,
    single_class=True,
    max_defect_size=40,
    defect_weights=dict(pore=0.55, void=0.3, cavity=0.15, crack=0.0))
img_size = 96
crop_ratio_range = (0.02, 0.1)
batch_size = 32
max_epochs = 40
lr = 0.05 * batch_size / 256  # SimSiam rule
# -----------------------------------------------------------------------------
load = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmseg.CLAHE', clip_limit=4.0, tile_grid_size=(8, 8)),
]
view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=crop_ratio_range,
        backend='pillow'),
    dict(
        type='mmpretrain.RandomApply',
        prob=0.8,
        transforms=[
            dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4)
        ]),
    dict(
        type='mmpretrain.GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='unlabelled/'),  # the good radiographs
        synthetic=synthetic,
        pipeline=[
            *load,
            dict(type='mmpretrain.MultiView', num_views=2, transforms=[view]),
            dict(type='mmpretrain.PackInputs'),
        ]))
# tools/test.py: the pretext loss on the val split of the same root
test_dataloader = dict(
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        data_prefix=dict(img_path='val/'),
        synthetic=synthetic))
model = dict(
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
    neck=dict(in_channels=384, hid_channels=512, out_channels=512),
    head=dict(
        predictor=dict(in_channels=512, hid_channels=128, out_channels=512)))
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
train_cfg = dict(max_epochs=max_epochs)
custom_hooks = [
    dict(
        type='mmpretrain.SimSiamHook',
        priority='HIGH',
        fix_pred_lr=True,
        lr=lr),
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
]
default_hooks = dict(
    logger=dict(interval=6),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
