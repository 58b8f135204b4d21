# Faster R-CNN Swin-T-FPN from ImageNet-1k weights on GDXray Castings.
_base_ = [
    './faster-rcnn-fpn_swin-t-p4-w7-simmim-xray_1xb2-adamw-1x_gdxray-768px.py'
]
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth'  # noqa
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        convert_weights=True,
        init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint)))
