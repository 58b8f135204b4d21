# Faster R-CNN R50-FPN from ImageNet weights on GDXray Castings (baseline).
_base_ = ['./faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_gdxray-768px.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'torchvision://resnet50'
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        init_cfg=dict(
            _delete_=True, type='Pretrained', checkpoint=imagenet_checkpoint)))
