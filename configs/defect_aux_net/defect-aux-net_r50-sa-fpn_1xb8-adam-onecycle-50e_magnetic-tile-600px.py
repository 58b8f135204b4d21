# Attention ablation: spatial attention only (paper: 33.5 M, 0.963).
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(
    backbone=dict(plugins=[
        dict(
            cfg=dict(type='defectzoo.SpatialAttention', kernel_size=7),
            position='after_conv3'),
    ]))
