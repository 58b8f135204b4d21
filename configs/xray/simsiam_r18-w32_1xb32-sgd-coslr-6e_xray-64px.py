# The model zoo's CPU-sized X-ray SimSiam backbone: half-width ResNet-18 (32
# base channels; projector / predictor 256 / 64) on 64 px views of random regions (4-25 %
# of the image, close to the detector's scale) of 128 synthetic unlabelled
# radiographs, percentile window + CLAHE, 6 epochs. The recipe of
# benchmarks/xray_transfer.py, cut to a few minutes on one CPU thread.
#   python tools/train.py configs/xray/simsiam_r18-w32_1xb32-sgd-coslr-6e_xray-64px.py
_base_ = './simsiam_r50_8xb32-sgd-coslr-100e_xray-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/synthetic_xray_zoo/'
synthetic = dict(
    num_unlabelled=128, num_train=120, num_val=50, img_size=512, seed=0)
img_size = 64
batch_size = 32
max_epochs = 6
lr = 0.05 * batch_size / 256  # SimSiam rule
# -----------------------------------------------------------------------------
load = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmseg.CLAHE', clip_limit=4.0, tile_grid_size=(8, 8))
]
view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.04, 0.25),
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
        direction=['horizontal', 'vertical'])
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        data_root=data_root,
        synthetic=synthetic,
        pipeline=[
            *load,
            dict(type='mmpretrain.MultiView', num_views=2, transforms=[view]),
            dict(type='mmpretrain.PackInputs')
        ]))
model = dict(
    backbone=dict(depth=18, stem_channels=32, base_channels=32),
    neck=dict(in_channels=256, hid_channels=256, out_channels=256),
    head=dict(
        predictor=dict(in_channels=256, hid_channels=64, out_channels=256)))
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
    dict(type='CheckpointFitHook')
]
default_hooks = dict(
    logger=dict(interval=4),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
