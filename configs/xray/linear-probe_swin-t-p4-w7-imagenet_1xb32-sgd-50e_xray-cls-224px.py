# Linear probe, frozen Swin-T from ImageNet (mmpretrain release: window 7,
# 224 px), critical vs minor; accuracy + AP.
_base_ = [
    './linear-probe_swin-t-p4-w12-simmim-xray_1xb32-sgd-50e_xray-cls-192px.py'
]
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'https://download.openmmlab.com/mmclassification/v0/swin-transformer/swin_tiny_224_b16x64_300e_imagenet_20210616_090925-66df6be6.pth'  # noqa
img_size = 224
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        img_size=img_size,
        stage_cfgs=dict(block_cfgs=dict(window_size=7)),
        init_cfg=dict(checkpoint=imagenet_checkpoint)))
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_dataloader = dict(
    dataset=dict(pipeline=[
        load_xray,
        dict(type='mmpretrain.Resize', scale=img_size),
        dict(
            type='mmpretrain.RandomFlip',
            prob=[0.25, 0.25],
            direction=['horizontal', 'vertical']),
        dict(type='mmpretrain.PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        load_xray,
        dict(type='mmpretrain.Resize', scale=img_size),
        dict(type='mmpretrain.PackInputs')
    ]))
test_dataloader = val_dataloader
