# CAM-energy benchmark (benchmarks/cam_energy.py), cross-entropy side:
# ResNet-18 from random initialisation on 20 magnetic-tile images per class
# (6 classes incl. Free, from the 70 % train split), 128 px, 40 epochs
# (about 5 CPU-minutes); 128 px so that backbone.layer3 gives an 8 x 8 CAM.
_base_ = ['../../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
k_per_class = 20
img_size = 128
max_epochs = 40
lr = 1e-3
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=6,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=18),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=6,
        in_channels=512,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))
resize = dict(type='mmpretrain.Resize', scale=(img_size, img_size))
augment = [
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical'])
]
train_pipeline = [
    dict(type='LoadImageChecked'), resize, *augment,
    dict(type='mmpretrain.PackInputs')
]
test_pipeline = [
    dict(type='LoadImageChecked'), resize,
    dict(type='mmpretrain.PackInputs')
]
split = dict(
    type='MagneticTileClsDataset',
    data_root=data_root,
    split_ratios=(0.7, 0.1, 0.2),
    split_seed=0)
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='KPerClassSubset',
        k=k_per_class,
        seed=0,
        dataset=dict(split, split='train', pipeline=train_pipeline)))
test_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(split, split='test', pipeline=test_pipeline))
test_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
test_cfg = dict()
val_dataloader = val_cfg = val_evaluator = None
optim_wrapper = dict(optimizer=dict(type='Adam', lr=lr))
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=2),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
