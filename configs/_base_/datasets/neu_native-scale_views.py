# Views at the NEU images' own scale (200 px): training crops cut at
# 0.76-1.5x native size and resized to 96 px; the whole 200 px image as the
# "original" view and at test time (a fully convolutional backbone + GAP
# takes any size). Used by the *_simclr-neu-native_* configs through
# {{_base_.native_...}}.
native_crop_view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=96,
        crop_ratio_range=(0.1, 0.4)),  # crop area / image area
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
# SCL + ArcMargin: the whole image + two native-scale crops
native_3view_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[[], native_crop_view]),
    dict(type='mmpretrain.PackInputs'),
]
# cross-entropy: one native-scale crop
native_crop_pipeline = [
    dict(type='LoadImageChecked'), *native_crop_view,
    dict(type='mmpretrain.PackInputs')
]
native_test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.PackInputs')
]
