# The model zoo's NEU-DET detector, cheap enough for the zoo build's
# two-hour budget: RTMDet-tiny at 160 px with a 64-channel neck / head and
# one stacked conv per branch ("lite"; RTMDet-tiny's: 96 channels, two
# convs), 40 epochs. Test mAP50 60.8, COCO mAP 26.4 (the 192-px RTMDet-tiny
# at 40 epochs: 63.9 / 28.2); validation mAP50 64.2 at epoch 40. A training
# step (batch 8, one thread) costs 0.67 s vs 1.29 s for the 192-px
# RTMDet-tiny on the same machine: 95 min wall on a shared 2-core machine.
#   python tools/train.py configs/neu_det/rtmdet-lite_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-160px.py --data-root NEU-DET
_base_ = ['./rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-28e_neu-det-160px.py']
# ---- frequently modified parameters ----------------------------------------
max_epochs = 40
lr = 1e-3
channels = 64
# -----------------------------------------------------------------------------
model = dict(
    neck=dict(out_channels=channels),
    bbox_head=dict(
        in_channels=channels, feat_channels=channels, stacked_convs=1))
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
