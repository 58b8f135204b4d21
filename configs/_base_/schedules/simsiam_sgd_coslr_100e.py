# SimSiam schedule (mmpretrain): SGD lr 0.05 x bs/256, momentum 0.9,
# wd 1e-4, cosine over 100 epochs, predictor at a fixed lr.
max_epochs = 100
base_batch_size = 256  # 8 GPUs x 32; --auto-scale-lr rescales the lr
lr = 0.05
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=lr, weight_decay=1e-4, momentum=0.9),
    paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(base_batch_size=base_batch_size, enable=False)
# SimSiamHook (predictor at a fixed lr) is in the model config's
# custom_hooks (configs/xray/simsiam_r50_8xb32-sgd-coslr-100e_xray-224px.py):
# default_runtime.py sets custom_hooks too, and mmengine refuses a key that
# two _base_ files of one config both set.
