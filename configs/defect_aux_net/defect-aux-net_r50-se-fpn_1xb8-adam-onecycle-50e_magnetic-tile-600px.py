# Attention ablation: SE channel attention only (paper: 35.7 M, 0.968).
_base_ = './defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
model = dict(
    backbone=dict(plugins=[
        dict(
            cfg=dict(type='defectzoo.SEAttention', ratio=16),
            position='after_conv3'),
    ]))
