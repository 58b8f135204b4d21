# Benchmark single-task baseline: segmentation only (quarter-width R50-FPN
# P2-P5 + semantic-FPN head, Dice loss), same data and budget.
_base_ = './defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px.py'
model = dict(
    backbone=dict(plugins=None),
    neck=dict(start_level=0, add_extra_convs=False, num_outs=4),
    cls_head=None,
    det_head=None)
