# mmdet's Swin detection schedule: 12 epochs, AdamW 1e-4 (wd 0.05, no decay
# on norms / position tables), warm-up 1000 iterations, x0.1 at 8 and 11.
_base_ = ['./det_sgd_1x.py']
lr = 0.0001
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=1000),
    dict(
        type='MultiStepLR',
        begin=0,
        end=12,
        by_epoch=True,
        milestones=[8, 11],
        gamma=0.1),
]
optim_wrapper = dict(
    type='OptimWrapper',
    paramwise_cfg=dict(
        custom_keys={
            'absolute_pos_embed': dict(decay_mult=0.),
            'relative_position_bias_table': dict(decay_mult=0.),
            'norm': dict(decay_mult=0.)
        }),
    optimizer=dict(
        _delete_=True,
        type='AdamW',
        lr=lr,
        betas=(0.9, 0.999),
        weight_decay=0.05))
