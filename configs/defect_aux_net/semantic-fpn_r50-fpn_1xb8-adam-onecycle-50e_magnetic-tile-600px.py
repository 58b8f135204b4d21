# Single-task baseline, segmentation only: R50-FPN (P2-P5) + semantic-FPN
# head with Dice loss (the paper's R50-FPN, 26.9 M). Same class, data and
# schedule as Defect-Aux-Net.
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(
    backbone=dict(plugins=None),
    neck=dict(start_level=0, add_extra_convs=False, num_outs=4),
    cls_head=None,
    det_head=None)
default_hooks = dict(checkpoint=dict(save_best='seg/defectDice'))
