# SimMIM pretraining of Swin-B (window 12, 1024-d output) on X-ray images.
_base_ = './simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py'
arch = 'base'
embed_dims = 128
model = dict(
    backbone=dict(arch=arch), neck=dict(in_channels=embed_dims * 2**3))
