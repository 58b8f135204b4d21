# Stage 0 of our no-ImageNet MVGG19 benchmark: a VGG19-BN conv base trained
# supervised on NEU-CLS (another steel-surface data set: 6 classes x 300
# images, none of them magnetic tiles) as a stand-in for the paper's
# ImageNet VGG19. The backbone is the VGG19 baseline's (block5_conv3 -> GAP)
# so its checkpoint loads into both MVGG19 and VGG19 (`pretrained` there).
#   python tools/train.py configs/mvgg19/ce_vgg19bn_1xb32-adam-12e_neu-cls-96px.py \
#       --work-dir work_dirs/vgg19bn_neu
# 96 px NEU images (200 px originals), trained on random 64 px crops of them
# (the cost of 64 px, the scale of 96 px); 80 % train, 20 % test split.
_base_ = ['../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
split_ratios = (0.8, 0.0, 0.2)
img_size = 96
crop_size = 64
lr = 1e-3
max_epochs = 12
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=6,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='MVGG19',
        taps=('conv5_3', ),
        norm_cfg=dict(type='BN'),
        init_cfg=dict(type='Kaiming', layer='Conv2d')),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=6,
        in_channels=512,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.RandomCrop', crop_size=crop_size),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
dataset = dict(
    type='NEUClsDataset',
    data_root=data_root,
    split_ratios=split_ratios,
    split_seed=0)
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(dataset, split='train', pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(dataset, split='test', pipeline=test_pipeline))
val_dataloader = test_dataloader
test_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
val_evaluator = test_evaluator
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(optimizer=dict(type='Adam', lr=lr))
param_scheduler = dict(
    type='CosineAnnealingLR',
    T_max=max_epochs,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=4)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
