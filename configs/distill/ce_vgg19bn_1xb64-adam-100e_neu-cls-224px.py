# Teacher: this repository's VGG19-BN (the MVGG19 backbone with the single
# block5_conv3 tap: the VGG19 baseline of configs/mvgg19) on NEU-CLS, the
# ICECET 2022 recipe. For the multipath MVGG19 as a teacher use a
# configs/mvgg19 model with head.num_classes=6 and this data.
#   python tools/train.py configs/distill/ce_vgg19bn_1xb64-adam-100e_neu-cls-224px.py
_base_ = ['./ce_r18_1xb64-adam-100e_neu-cls-224px.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='MVGG19',
        taps=('conv5_3', ),
        norm_cfg=dict(type='BN'),
        init_cfg=dict(type='Kaiming', layer='Conv2d')),
    head=dict(in_channels=512))
