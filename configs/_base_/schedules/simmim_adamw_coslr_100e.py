# SimMIM schedule (mmpretrain Swin settings): AdamW 2e-4 x bs/512, wd 0.05,
# 10 linear warm-up epochs then cosine, gradient clipping at 5.
# `--amp` turns on mixed precision on a GPU.
max_epochs = 100
warmup_epochs = 10
base_batch_size = 1024  # 8 GPUs x 128; --auto-scale-lr rescales the lr
base_lr = 2e-4 * base_batch_size / 512
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.999), weight_decay=0.05),
    clip_grad=dict(max_norm=5.0),
    paramwise_cfg=dict(
        custom_keys={
            'norm': dict(decay_mult=0.0),
            'bias': dict(decay_mult=0.0),
            'absolute_pos_embed': dict(decay_mult=0.0),
            'relative_position_bias_table': dict(decay_mult=0.0),
        }))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-6 / 2e-4,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=1e-5 * base_batch_size / 512,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(base_batch_size=base_batch_size, enable=False)
