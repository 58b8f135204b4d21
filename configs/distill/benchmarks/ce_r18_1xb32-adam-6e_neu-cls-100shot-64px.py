# The student alone: ResNet-18 trained with cross-entropy only, the same
# data, epochs and optimiser as the distilled student.
_base_ = ['./_base_/neu-cls-100shot-64px.py']
# ---- frequently modified parameters ----------------------------------------
max_epochs = 6
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='mmpretrain.ResNet', depth=18),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=6,
        in_channels=512,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))
param_scheduler = dict(T_max=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
