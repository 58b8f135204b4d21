# Defect-Aux-Net schedule (Sampath et al. 2023): Adam, one-cycle learning
# rate policy, 50 epochs. The paper gives no peak lr: 1e-3 here. The cycle
# is LinearLR (30 %, from lr / 25) + CosineAnnealingLR (to lr / 25 / 1e4):
# mmengine's OneCycleLR pickles a bound method into checkpoints, which
# torch.load(weights_only=True) refuses (tools/test.py, --resume).
max_epochs = 50
lr = 1e-3
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=lr, weight_decay=0.0))
warmup_epochs = max(1, round(0.3 * max_epochs))
param_scheduler = [  # one cycle: 30 % linear warm-up, then cosine annealing
    dict(
        type='LinearLR',
        start_factor=1 / 25,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=lr / 25 / 1e4,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
