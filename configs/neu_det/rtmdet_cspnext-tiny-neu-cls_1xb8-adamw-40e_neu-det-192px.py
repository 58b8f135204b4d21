# The zoo's NEU-DET recipe with twice the schedule (40 epochs): test mAP50
# 63.9, COCO mAP 28.2 (the 20-epoch zoo entry: 57.0 / 23.1); validation
# mAP50 67.9 at epoch 40 (63.3 at 20). About 90 min on one CPU thread.
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
