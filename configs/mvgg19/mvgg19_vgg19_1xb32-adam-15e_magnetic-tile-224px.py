# MVGG19, multipath VGG19 (Apostolopoulos & Tzani, arXiv 2011.11305), on
# the magnetic-tile defects (6 classes: Blowhole 115, Break 85, Crack 57,
# Fray 32, Free 952, Uneven 103). The paper's protocol is 10-fold CV over
# all images; the train dataset below is that pool:
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 10 --seed 0
# tools/train.py THIS_CONFIG trains one model on all images (no val set).
# The other datasets' configs inherit this one; see README.md.
_base_ = ['../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'  # MT_<Class>/Imgs/*.jpg
num_classes = 6
img_size = 224  # any size works; 224 as in the paper
batch_size = 32  # per GPU
num_workers = 4
lr = 1e-3  # Adam, Keras defaults
max_epochs = 15
# BD side paths after pool 2 / 3 / 4 + main path (block5_conv3), 1408-d.
# The authors' 2021 code: taps=('pool3','pool4','conv5_3'), (256, 512, 512).
taps = ('pool2', 'pool3', 'pool4', 'conv5_3')
tap_channels = (128, 256, 512, 512)
bd_dropout = 0.5
# ImageNet VGG19 (mmpretrain layout) with the conv base frozen, as in the
# authors' code. Without it: pretrained = None, frozen_stages = -1.
pretrained = 'https://download.openmmlab.com/mmclassification/v0/vgg/' \
    'vgg19_batch256_imagenet_20210208-e6920e4a.pth'
frozen_stages = 5  # VGG blocks frozen (5 = whole conv base)
class_weight = None  # e.g. inverse class frequency (Free!)
# -----------------------------------------------------------------------------
keras_bn = dict(momentum=0.01, eps=1e-3)  # Keras BatchNormalization defaults

model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='MVGG19',
        taps=taps,
        frozen_stages=frozen_stages,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')
        if pretrained else dict(type='Kaiming', layer='Conv2d')),
    neck=dict(
        type='MultiPathNeck',
        in_channels=tap_channels,
        dropout=bd_dropout,
        norm_cfg=dict(type='BN', **keras_bn)),
    # Dense(2500, ReLU) -> BatchNorm -> Dropout(0.5) -> Dense(C) softmax
    head=dict(
        type='LinearActNormClsHead',
        num_classes=num_classes,
        in_channels=sum(tap_channels),
        mid_channels=(2500, ),
        dropout_rate=0.5,
        norm_cfg=dict(type='BN1d', **keras_bn),
        loss=dict(
            type='mmpretrain.CrossEntropyLoss',
            loss_weight=1.0,
            class_weight=class_weight)))

# The paper's augmentation: Gaussian noise, rotations, horizontal and
# vertical flips, height and width shifts. float32 images, so the noise
# does not wrap around.
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
# The k-fold tool's pipeline for the held-out fold.
test_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]

# All images: the pool the k-fold tool splits.
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='MagneticTileClsDataset',
        data_root=data_root,
        pipeline=train_pipeline))
# No val / test loaders: every image is in the training pool; the k-fold
# tool tests each fold's model on its held-out images (test_pipeline).
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=lr, betas=(0.9, 0.999), eps=1e-7))
param_scheduler = []  # constant learning rate (Keras)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=32, enable=False)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
