# Benchmark (--init scratch): MVGG19 trained end to end from scratch
# (VGG19-BN conv base, Kaiming init, nothing frozen) at 64 px -- what
# 2 CPU cores allow (3 folds x 8 epochs in the benchmark). Otherwise as
# ./mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py.
_base_ = './mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py'
# ---- frequently modified parameters ----------------------------------------
img_size = 64
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        frozen_stages=-1,
        init_cfg=dict(type='Kaiming', layer='Conv2d', _delete_=True)))
train_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(
        type='mmpretrain.Rotate',
        magnitude_range=(0, 20),
        magnitude_std='inf',
        prob=1.0,
        interpolation='bilinear'),
    dict(
        type='mmpretrain.Translate',
        magnitude_range=(0, 0.1),
        magnitude_std='inf',
        prob=1.0,
        direction='horizontal'),
    dict(
        type='mmpretrain.Translate',
        magnitude_range=(0, 0.1),
        magnitude_std='inf',
        prob=1.0,
        direction='vertical'),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='vertical'),
    dict(type='mmseg.BioMedicalGaussianNoise', prob=0.5, std=10.0),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
