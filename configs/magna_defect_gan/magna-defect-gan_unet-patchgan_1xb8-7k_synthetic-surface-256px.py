# Magna-Defect-GAN on the embedded synthetic surface defects (no download):
#   python tools/train.py configs/magna_defect_gan/magna-defect-gan_unet-patchgan_1xb8-7k_synthetic-surface-256px.py
# ---- frequently modified parameters ----------------------------------------
img_size = 256  # 128 / 256 / 512
batch_size = 8
max_iters = 7000
grid_interval = 500  # sample grid (mask | real | 3 x generated)
style_ckpt = None  # style / FID network checkpoint (keys
# 'backbone.*'); None: random ResNet-18
# -----------------------------------------------------------------------------
_base_ = [
    '../_base_/models/magna-defect-gan_unet-7down.py',
    '../_base_/datasets/synthetic_surface_defect_pairs.py',
    '../_base_/schedules/gan_adam_7k.py',
    '../_base_/default_runtime.py',
]
pair_size = img_size
guide_dims = (5, 3, 3)
style_net = dict(
    type='mmpretrain.ResNet',
    depth=18,
    out_indices=(0, 1, 2, 3),
    init_cfg=dict(
        type='Pretrained', checkpoint=style_ckpt, prefix='backbone.')
    if style_ckpt else None)
model = dict(
    generator=dict(img_size=img_size, guide_dims=guide_dims),
    discriminator=dict(guide_dims=guide_dims),
    style_loss=dict(feature_net=style_net))
train_dataloader = dict(
    batch_size=batch_size,
    dataset=dict(
        img_size=pair_size,
        pipeline=[{{_base_.guide}},
                  dict(
                      type='Resize',
                      scale=(pair_size, pair_size),
                      keep_ratio=False),
                  dict(
                      type='RandomFlip',
                      prob=0.5,
                      direction=['horizontal', 'vertical']),
                  dict(type='PackDefectPairInputs')]))
_test_pipeline = [{{_base_.guide}},
                  dict(
                      type='Resize',
                      scale=(pair_size, pair_size),
                      keep_ratio=False),
                  dict(type='PackDefectPairInputs')]
val_dataloader = dict(
    dataset=dict(img_size=pair_size, pipeline=_test_pipeline))
test_dataloader = dict(
    dataset=dict(img_size=pair_size, pipeline=_test_pipeline))
# FID / KID on the style network's features (not comparable with Inception
# FIDs); inception_ckpt='/path/pt_inception-2015-12-05.pth' for those.
val_evaluator = dict(type='GenerativeQualityMetric', feature_net=style_net)
test_evaluator = val_evaluator
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = dict(
    generator=[
        dict(
            type='LinearLR',
            start_factor=1.0,
            end_factor=0.0,
            begin=max_iters // 2,
            end=max_iters,
            by_epoch=False)
    ],
    discriminator=[
        dict(
            type='LinearLR',
            start_factor=1.0,
            end_factor=0.0,
            begin=max_iters // 2,
            end=max_iters,
            by_epoch=False)
    ])
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=1000, by_epoch=False,
        max_keep_ckpts=2))
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='GANSampleGridHook', interval=grid_interval),
]
log_processor = dict(by_epoch=False)
