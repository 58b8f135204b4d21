# Single-task baseline of the Defect-Aux-Net zoo-budget comparison: the FPN
# segmentation head alone, same backbone, init, data and schedule.
_base_ = './defect-aux-net_cspnext-tiny-neu-cls-fpn_1xb8-adamw-coslr-16e_magnetic-tile-192px.py'
model = dict(
    neck=dict(start_level=0, add_extra_convs=False, num_outs=4),
    cls_head=None,
    det_head=None)
