# Single-task baseline, classification only: ResNet-50 -> GAP -> FC (the
# paper's ResNet-50, 23.5 M). Same class, data and schedule as Defect-Aux-Net.
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(
    backbone=dict(plugins=None), neck=None, seg_head=None, det_head=None)
