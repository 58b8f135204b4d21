# Linear probe, frozen ResNet-50 from ImageNet (mmpretrain release).
_base_ = ['./linear-probe_r50-simsiam-xray_1xb32-sgd-50e_xray-cls-224px.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa
# -----------------------------------------------------------------------------
model = dict(backbone=dict(init_cfg=dict(checkpoint=imagenet_checkpoint)))
