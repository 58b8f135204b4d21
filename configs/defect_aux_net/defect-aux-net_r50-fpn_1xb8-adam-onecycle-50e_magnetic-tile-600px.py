# Attention ablation: Defect-Aux-Net without attention (paper: 33.2 M
# parameters, accuracy 0.962).
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(backbone=dict(plugins=None))
