# The model zoo's NEU-DET detector, cheap enough for the zoo build's
# two-hour budget: RTMDet-tiny at 160 px with a 64-channel neck / head and
# one stacked conv per branch ("lite"; RTMDet-tiny's: 96 channels, two
# convs), 40 epochs. Test mAP50 64.4, COCO mAP 27.9 in the zoo build of
# 2026-12-07 (60.8 / 26.4 in a build on another machine; the 192-px
# RTMDet-tiny at 40 epochs: 63.9 / 28.2). A training step (batch 8, one
# thread) costs 0.59x the 192-px RTMDet-tiny's
# (benchmarks/neu_det_step_cost.py): 38 min in the zoo build.
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
