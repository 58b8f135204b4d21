# The zoo's NEU-DET recipe with twice the schedule (40 epochs): its
# learning curve says where the 20-epoch entry's budget stops it.
#   python tools/train.py configs/neu_det/rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-192px.py --data-root NEU-DET
_base_ = ['./rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-20e_neu-det-192px.py']
# ---- frequently modified parameters ----------------------------------------
max_epochs = 40
lr = 1e-3
# -----------------------------------------------------------------------------
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=100),
    dict(
        type='CosineAnnealingLR',
        eta_min=lr * 0.05,
        begin=0,
        end=max_epochs,
        T_max=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=4, max_keep_ckpts=1))
