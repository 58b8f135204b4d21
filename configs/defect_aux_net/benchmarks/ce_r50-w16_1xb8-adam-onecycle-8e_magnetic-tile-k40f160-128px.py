# Benchmark single-task baseline: classification only (quarter-width
# ResNet-50, no attention), same data and budget as the multi-task run.
_base_ = './defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px.py'
model = dict(
    backbone=dict(plugins=None), neck=None, seg_head=None, det_head=None)
