# Linear probe, frozen ResNet-50 from ImageNet (mmpretrain release).
_base_ = ['./linear-probe_r50_simsiam-xray_50e_xray-cls.py']
# ---- frequently modified parameters ----------------------------------------
imagenet_checkpoint = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa
# -----------------------------------------------------------------------------
model = dict(backbone=dict(init_cfg=dict(checkpoint=imagenet_checkpoint)))
