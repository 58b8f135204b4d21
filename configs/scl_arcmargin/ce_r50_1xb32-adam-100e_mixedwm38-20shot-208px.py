# Cross-entropy ResNet-50 baseline on MixedWM38 small data, identical to
# scl-arcmargin_r50_1xb32-adam-100e_mixedwm38-20shot-208px.py (same maps,
# one random right-angle turn / flip view, Adam 5e-4, 100 epochs).
# Paper: 55.36 / 86.72 / 89.73 % at 20 / 50 / 100 maps per class.
_base_ = ['./scl-arcmargin_r50_1xb32-adam-100e_mixedwm38-20shot-208px.py']
# ---- frequently modified parameters ----------------------------------------
k_per_class = 20
subset_seed = 0
num_classes = 38
pretrained = None
# -----------------------------------------------------------------------------
model = dict(
    _delete_=True,
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=50),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=num_classes,
        in_channels=2048,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)),
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
train_pipeline = _base_.random_view + [dict(type='mmpretrain.PackInputs')]
train_dataloader = dict(
    dataset=dict(
        k=k_per_class, seed=subset_seed, dataset=dict(
            pipeline=train_pipeline)))
gallery_dataloader = None
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook')
]
