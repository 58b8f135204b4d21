# Teacher: ResNet-50 on NEU-CLS, the ICECET 2022 recipe (Adam 1e-3, wd
# 0.05, batch 64, 224 px). For ImageNet weights set pretrained to an
# mmpretrain ResNet-50 checkpoint.
#   python tools/train.py configs/distill/ce_r50_1xb64-adam-100e_neu-cls-224px.py
_base_ = ['./ce_r18_1xb64-adam-100e_neu-cls-224px.py']
# ---- frequently modified parameters ----------------------------------------
pretrained = None
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        depth=50,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')
        if pretrained else None),
    head=dict(in_channels=2048))
