# Benchmark ablation: no attention.
_base_ = './defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px.py'
model = dict(backbone=dict(plugins=None))
