# Single-task baseline of the Defect-Aux-Net zoo-budget comparison: the
# RetinaNet head alone (FPN P3 ... P7), same backbone, init, data and
# schedule.
_base_ = './defect-aux-net_cspnext-tiny-neu-cls-fpn_1xb8-adamw-coslr-16e_magnetic-tile-192px.py'
model = dict(
    neck=dict(start_level=1, add_extra_convs='on_output', num_outs=5),
    det_in_index=None,
    cls_head=None,
    seg_head=None)
