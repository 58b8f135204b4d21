# CSPNeXt-tiny (mmdet's RTMDet-tiny backbone) as an image classifier: global
# average pooling + a linear head. Same backbone keys as RTMDet-tiny, so a
# classifier trained on a detection set's training images initialises the
# detector (``init_cfg=dict(type='Pretrained', prefix='backbone.')``).
cls_num_classes = 6
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=cls_num_classes,
        mean=[103.53, 116.28, 123.675],
        std=[57.375, 57.12, 58.395],
        to_rgb=False),  # BGR, as RTMDet reads images
    backbone=dict(
        type='mmdet.CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=0.375,  # stage outputs 48 / 96 / 192 / 384
        channel_attention=True,
        out_indices=(4, ),
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=cls_num_classes,
        in_channels=384,
        loss=dict(
            type='mmpretrain.LabelSmoothLoss',
            label_smooth_val=0.1,
            loss_weight=1.0)))
