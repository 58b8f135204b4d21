# Defect-Aux-Net on the embedded synthetic surface set (no download): five
# defect classes (mask values 1-5), defect-free images, 256 x 256.
_base_ = [
    '../_base_/models/defect-aux-net_r50_fpn.py',
    '../_base_/datasets/synthetic_surface_multitask.py',
    '../_base_/schedules/adam_onecycle_50e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
num_train = 600
batch_size = 8  # per GPU
max_epochs = 50
lr = 1e-3
# -----------------------------------------------------------------------------
model = dict(seg_head=dict(num_classes=6), det_head=dict(num_classes=5))
train_dataloader = dict(
    batch_size=batch_size, dataset=dict(num_samples=num_train))
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
