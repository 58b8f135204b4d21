# GAN schedule: Adam 2e-4, betas (0.5, 0.999) for both networks (pix2pix
# defaults; the paper gives none), about 200 epochs of 270 defect images at
# batch 8: constant LR for the first half, then linear decay to 0.
max_iters = 7000
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999))),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999))))
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
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
