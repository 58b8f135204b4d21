# Magna-Defect-GAN downstream benchmark, scheme (a): binary defect vs. free
# on the real magnetic-tile images, originals only, no augmentation; the
# other schemes are deltas of this file. Cut down for one CPU thread: 64 px,
# ResNet-18 with 16 base channels (1/4 width), 10 epochs, from scratch.
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
split_seed = 0  # fixed real train / val / test split
img_size = 64
batch_size = 32
max_epochs = 10
lr = 1e-3
width = 16  # ResNet-18 base channels (64 = standard)
# -----------------------------------------------------------------------------
_base_ = ['../../_base_/default_runtime.py']
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=2,
        mean=[127.5, 127.5, 127.5],
        std=[64., 64., 64.]),
    backbone=dict(
        type='mmpretrain.ResNet',
        depth=18,
        stem_channels=width,
        base_channels=width,
        out_indices=(3, )),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=2,
        in_channels=width * 8,
        loss=dict(type='mmpretrain.CrossEntropyLoss')))
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = train_pipeline
real_train = dict(
    type='MagneticTileBinaryClsDataset',
    data_root=data_root,
    split='train',
    split_seed=split_seed,
    pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=real_train)
# the fixed real test split, evaluated after the last epoch
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(real_train, split='test', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(type='Adam', lr=lr))
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
