# Adam, lr 1e-3, cosine annealing per iteration over 4 epochs; validation
# at the end only.
max_epochs = 4
lr = 1e-3
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=lr))
param_scheduler = dict(
    type='CosineAnnealingLR',
    T_max=max_epochs,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
