# mmdet 1x schedule: 12 epochs, SGD 0.02 for 16 images per batch, linear
# warm-up 500 iterations, lr x0.1 at epochs 8 and 11.
max_epochs = 12
lr = 0.02
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[8, 11],
        gamma=0.1),
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=lr, momentum=0.9, weight_decay=0.0001))
# lr is scaled linearly to the actual total batch with --auto-scale-lr
auto_scale_lr = dict(enable=False, base_batch_size=16)
