# CAM-energy benchmark (benchmarks/cam_energy.py), SCL + ArcMargin side:
# the same ResNet-18, data, epochs and optimiser as the cross-entropy
# config, trained with the paper's 3-view self-contrastive + ArcFace loss
# (configs/scl_arcmargin) and classifying by its reference gallery (the 20
# training images per class).
_base_ = ['./ce_r18_1xb32-adam-40e_magnetic-tile-20shot-128px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
k_per_class = 20
# -----------------------------------------------------------------------------
# configs/_base_/models/scl-arcmargin_resnet50.py with a ResNet-18.
model = dict(
    _delete_=True,
    type='SCLArcMarginClassifier',
    data_preprocessor=dict(
        type='mmpretrain.SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=18),
    neck=dict(
        type='mmpretrain.NonLinearNeck',
        in_channels=512,
        hid_channels=512,
        out_channels=128,
        num_layers=2,
        with_avg_pool=True),
    head=dict(
        type='mmpretrain.ArcFaceClsHead',
        num_classes=6,
        in_channels=128,
        margins=0.5,
        scale=30.0,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=0.25)),
    con_loss=dict(
        type='SelfContrastiveLoss',
        temperature=0.5,
        symmetric=False,
        loss_weight=0.75),
    classifier='gallery')
random_view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale={{_base_.img_size}},
        crop_ratio_range=(0.3, 1.0)),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical'])
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[[{{_base_.resize}}], random_view]),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=train_pipeline)))
gallery_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='KPerClassSubset',
        k=k_per_class,
        seed=0,
        dataset=dict(
            type='MagneticTileClsDataset',
            data_root=data_root,
            split='train',
            split_ratios=(0.7, 0.1, 0.2),
            split_seed=0,
            pipeline={{_base_.test_pipeline}})))
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ReferenceGalleryHook', dataloader='gallery_dataloader'),
]
