# Faster R-CNN R50-FPN from ImageNet weights (the paper's baseline),
# synthetic X-ray castings, classes critical / minor, mmdet 1x schedule.
_base_ = ['./faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'torchvision://resnet50'  # or a local .pth
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        init_cfg=dict(
            _delete_=True, type='Pretrained', checkpoint=imagenet_checkpoint)))
