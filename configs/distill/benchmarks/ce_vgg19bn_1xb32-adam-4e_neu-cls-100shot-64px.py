# Teacher 2 of the lightweight benchmark: this repository's VGG19-BN (the
# MVGG19 backbone with the single block5_conv3 tap, i.e. the VGG19 baseline
# of configs/mvgg19) from Kaiming initialisation, 4 epochs (the most
# expensive model here: about 4x a ResNet-50 at 64 px).
_base_ = ['./ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py']
# ---- frequently modified parameters ----------------------------------------
max_epochs = 4
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        _delete_=True,
        type='MVGG19',
        taps=('conv5_3', ),
        norm_cfg=dict(type='BN'),
        init_cfg=dict(type='Kaiming', layer='Conv2d')),
    head=dict(in_channels=512))
param_scheduler = dict(T_max=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
