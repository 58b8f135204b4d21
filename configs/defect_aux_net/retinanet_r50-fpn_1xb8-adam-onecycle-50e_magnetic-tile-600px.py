# Single-task baseline, detection only: RetinaNet R50-FPN (P3-P7, focal
# loss alpha 0.25, gamma 4; the paper's RetinaNet, 34.0 M). Same class, data
# and schedule as Defect-Aux-Net.
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(
    backbone=dict(plugins=None),
    neck=dict(start_level=1, add_extra_convs='on_output', num_outs=5),
    det_in_index=None,
    cls_head=None,
    seg_head=None)
default_hooks = dict(checkpoint=dict(save_best='det/pascal_voc/mAP'))
