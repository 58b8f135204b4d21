# Benchmark cut-down of magna-defect-gan_unet-patchgan_1xb8-7k_magnetic-tile-256px.py for
# one CPU thread: 128 px (the smallest size with 7 stride-2 mask convs),
# 1/8 widths (generator 8..64 channels, discriminator 16), 250 iterations
# at batch 8 (~7 epochs of the ~270 training defect images) with the LR
# decayed linearly over the second half. The style and FID network is the
# benchmark's own scheme-(a) ResNet-18 classifier (style_ckpt).
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
img_size = 128
max_iters = 250
style_ckpt = None  # set by benchmarks/magna_defect_gan.py
width = 16  # the classifier's ResNet-18 base channels
# -----------------------------------------------------------------------------
_base_ = ['../magna-defect-gan_unet-patchgan_1xb8-7k_magnetic-tile-256px.py']
style_net = dict(
    type='mmpretrain.ResNet',
    depth=18,
    stem_channels=width,
    base_channels=width,
    out_indices=(0, 1, 2, 3),
    init_cfg=dict(
        type='Pretrained', checkpoint=style_ckpt, prefix='backbone.')
    if style_ckpt else None)
model = dict(
    generator=dict(img_size=img_size, base_channels=8, max_channels=64),
    discriminator=dict(base_channels=16),
    style_loss=dict(feature_net=style_net))
_resize = dict(type='Resize', scale=(img_size, img_size), keep_ratio=False)
_load = [
    dict(type='LoadImageChecked', color_type='grayscale'),
    dict(type='LoadDefectMask'), {{_base_.guide}}, _resize
]
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        pipeline=_load + [
            dict(
                type='RandomFlip',
                prob=0.5,
                direction=['horizontal', 'vertical']),
            dict(type='PackDefectPairInputs')
        ]))
# held-out real defect images: the test split (never seen by the GAN)
test_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        pipeline=_load + [dict(type='PackDefectPairInputs')]))
# no validation: the test run after training measures quality once
val_dataloader = None
val_cfg = None
# features of the scheme-(a) classifier at its input size (64 px)
val_evaluator = dict(
    type='GenerativeQualityMetric',
    feature_net=style_net,
    img_size=64,
    mean=(127.5, 127.5, 127.5),
    std=(64., 64., 64.),
    kid_subset_size=50)
test_evaluator = val_evaluator
val_evaluator = None
_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=max_iters // 2,
        end=max_iters,
        by_epoch=False)
]
param_scheduler = dict(generator=_decay, discriminator=_decay)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='GANSampleGridHook', interval=max_iters),
]
