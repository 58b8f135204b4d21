# Defect-Aux-Net (Sampath et al., IEEE TII 2023) on magnetic tile: ResNet-50
# with SE + spatial attention, FPN, classification + segmentation +
# detection heads, L = L_cls + L_seg + L_det; Adam, one-cycle, 50 epochs,
# 600 x 600 input, min-max normalisation (the paper's recipe; batch 8
# instead of 128 on a TPU). Boxes and the image label come from the masks.
_base_ = [
    '../_base_/models/defect-aux-net_r50_fpn.py',
    '../_base_/datasets/magnetic_tile_multitask.py',
    '../_base_/schedules/adam_onecycle_50e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
batch_size = 8  # per GPU
num_workers = 4
max_epochs = 50
lr = 1e-3
loss_weights = dict(cls=1.0, seg=1.0, det=1.0)
# -----------------------------------------------------------------------------
model = dict(loss_weights=loss_weights)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root))
val_dataloader = dict(
    num_workers=num_workers, dataset=dict(data_root=data_root))
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
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(save_best='cls/accuracy/top1'))
