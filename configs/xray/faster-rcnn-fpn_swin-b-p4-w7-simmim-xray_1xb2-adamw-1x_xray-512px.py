# Faster R-CNN Swin-B-FPN (window 7; the paper's 1024-d feature), backbone
# from X-ray SimMIM Swin-B pretraining (configs/xray/
# simmim_swin-b-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py), 12 epochs AdamW.
_base_ = [
    './faster-rcnn-fpn_swin-t-p4-w7-simmim-xray_1xb2-adamw-1x_xray-512px.py'
]
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'selfsup://work_dirs/simmim_swin-base/epoch_100.pth'
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        embed_dims=128,
        depths=[2, 2, 18, 2],
        num_heads=[4, 8, 16, 32],
        drop_path_rate=0.3,
        init_cfg=dict(checkpoint=ssl_checkpoint)),
    neck=dict(in_channels=[128, 256, 512, 1024]))
