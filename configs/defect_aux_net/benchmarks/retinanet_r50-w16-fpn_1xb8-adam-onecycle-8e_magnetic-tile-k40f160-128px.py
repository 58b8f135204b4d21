# Benchmark single-task baseline: detection only (quarter-width RetinaNet
# R50-FPN P3-P7, focal loss alpha 0.25, gamma 4), same data and budget.
_base_ = './defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px.py'
model = dict(
    backbone=dict(plugins=None),
    neck=dict(start_level=1, add_extra_convs='on_output', num_outs=5),
    det_in_index=None,
    cls_head=None,
    seg_head=None)
