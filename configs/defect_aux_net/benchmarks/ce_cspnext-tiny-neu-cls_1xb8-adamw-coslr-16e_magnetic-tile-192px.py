# Single-task baseline of the Defect-Aux-Net zoo-budget comparison: the
# image-class head alone, same backbone, init, data and schedule.
_base_ = './defect-aux-net_cspnext-tiny-neu-cls-fpn_1xb8-adamw-coslr-16e_magnetic-tile-192px.py'
model = dict(neck=None, seg_head=None, det_head=None)
