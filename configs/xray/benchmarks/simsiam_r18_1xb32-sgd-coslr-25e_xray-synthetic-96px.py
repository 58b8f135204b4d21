# Benchmark (benchmarks/xray_transfer.py), step 1: SimSiam ResNet-18 on the
# unlabelled split of the synthetic castings set, cut to 2 CPU cores:
# projector / predictor narrowed to 512 / 128, 96 px views of random
# regions covering 4-25 % of the image (close to the scale the detector
# sees), 25 epochs. Every image is read with the per-image percentile
# window and then CLAHE.
_base_ = '../simsiam_r50.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'work_dirs/bench_xray_transfer/data_512px/'
synthetic = dict(
    num_unlabelled=512, num_train=120, num_val=50, img_size=512, seed=0)
img_size = 96
crop_ratio_range = (0.04, 0.25)  # RandomResizedCrop area range
batch_size = 32
max_epochs = 25
lr = 0.05 * batch_size / 256  # SimSiam rule
clahe_clip = 4.0  # after the percentile window
# -----------------------------------------------------------------------------
load = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmseg.CLAHE', clip_limit=clahe_clip, tile_grid_size=(8, 8)),
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
        synthetic=synthetic,
        pipeline=[
            *load,
            dict(type='mmpretrain.MultiView', num_views=2, transforms=[view]),
            dict(type='mmpretrain.PackInputs'),
        ]))
model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512, out_channels=512),
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
    logger=dict(interval=10), checkpoint=dict(interval=max_epochs))
