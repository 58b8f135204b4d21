# Faster R-CNN Swin-T-FPN from ImageNet-1k weights on GDXray Castings.
_base_ = ['./faster-rcnn_swin-t-p4-w7_fpn_simmim-xray_1x_gdxray.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'https://github.com/SwinTransformer/storage/releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth'  # noqa
# -----------------------------------------------------------------------------
model = dict(backbone=dict(
    convert_weights=True,
    init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint)))
