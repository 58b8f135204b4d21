# Benchmark ablation: spatial attention only.
_base_ = './defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px.py'
model = dict(
    backbone=dict(plugins=[
        dict(
            cfg=dict(type='defectzoo.SpatialAttention', kernel_size=7),
            position='after_conv3'),
    ]))
