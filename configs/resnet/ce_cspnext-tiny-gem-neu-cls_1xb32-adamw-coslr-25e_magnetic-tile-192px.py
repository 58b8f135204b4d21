# The model zoo's magnetic-tile classifier: CSPNeXt-tiny at 192 px, its
# backbone initialised from the zoo's NEU-CLS classifier (steel-surface
# defects: pits, scratches, patches -- marks like blowholes and cracks), 25
# epochs of AdamW + cosine on one CPU thread. The set is 71 % defect-free
# (Fray: 32 images): every batch draws the six classes equally (mmdet's
# ClassAwareSampler), the zoo reports balanced accuracy (mean per-class
# recall), and generalised-mean pooling keeps a small defect's response
# from being averaged away over the tile. Crops are mild: a small blowhole
# cut out of the crop would change the label.
#   python tools/train.py configs/resnet/ce_cspnext-tiny-gem-neu-cls_1xb32-adamw-coslr-25e_magnetic-tile-192px.py --data-root MAGNETIC_TILE
_base_ = [
    '../_base_/models/cspnext-tiny_linear-cls.py',
    '../_base_/datasets/magnetic_tile_cls.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'  # MT_<Class>/Imgs/<id>.jpg
img_size = 192
batch_size = 32
num_workers = 1
max_epochs = 25
lr = 1e-3
backbone_checkpoint = \
    'zoo://ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'
# -----------------------------------------------------------------------------
# the top-level preprocessor (the data set base's, RGB) matches the model's:
# test-time augmentation wraps the model and would otherwise take it
data_preprocessor = dict(
    mean=[103.53, 116.28, 123.675], std=[57.375, 57.12, 58.395], to_rgb=False)
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.85, 1.0)),
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
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    sampler=dict(_delete_=True, type='mmdet.ClassAwareSampler'),
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 1,
        begin=1,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
# balanced accuracy = macro recall
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(
        type='mmpretrain.SingleLabelMetric',
        average='macro',
        items=('precision', 'recall', 'f1-score')),
]
test_evaluator = val_evaluator
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.')),
    neck=dict(_delete_=True, type='mmpretrain.GeneralizedMeanPooling'))
randomness = dict(seed=0, deterministic=True)
visualizer = dict(type='mmpretrain.UniversalVisualizer')
