# Half-width ResNet-18 (32 stem / base channels: a quarter of the FLOPs)
# -> global average pooling -> linear classifier, for CPU-sized classifiers.
# 6 classes (NEU, magnetic tile): override head.num_classes and
# data_preprocessor.num_classes for other data.
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=6,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='mmpretrain.ResNet',
        depth=18,
        stem_channels=32,
        base_channels=32,
        out_indices=(3, )),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=6,
        in_channels=256,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))
