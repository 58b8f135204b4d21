# Faster R-CNN R50-FPN from ImageNet weights on GDXray Castings (baseline).
_base_ = ['./faster-rcnn_r50_fpn_simsiam-xray_1x_gdxray.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'torchvision://resnet50'
# -----------------------------------------------------------------------------
model = dict(backbone=dict(init_cfg=dict(
    _delete_=True, type='Pretrained', checkpoint=imagenet_checkpoint)))
