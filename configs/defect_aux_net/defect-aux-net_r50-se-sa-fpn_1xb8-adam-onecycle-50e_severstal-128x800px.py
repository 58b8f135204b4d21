# Defect-Aux-Net on Severstal (Kaggle 2019): four defect classes, the
# paper's 128 x 800 input.
_base_ = [
    '../_base_/models/defect-aux-net_r50_fpn.py',
    '../_base_/datasets/severstal_multitask.py',
    '../_base_/schedules/adam_onecycle_50e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/severstal/'
batch_size = 8  # per GPU
max_epochs = 50
lr = 1e-3
# -----------------------------------------------------------------------------
model = dict(seg_head=dict(num_classes=5), det_head=dict(num_classes=4))
train_dataloader = dict(
    batch_size=batch_size, dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=lr))
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
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(logger=dict(interval=10))
