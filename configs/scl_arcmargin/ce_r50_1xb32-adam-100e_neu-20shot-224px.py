# The paper's baseline: ResNet-50 + linear classifier with cross-entropy,
# identical data (same k images per class, same split), augmentation (one
# random view), optimiser and schedule as the SCL + ArcMargin config.
#   python tools/train.py configs/scl_arcmargin/ce_r50_1xb32-adam-100e_neu-20shot-224px.py
#   python tools/analysis_tools/small_data.py <config> --k 10 20 50 --seeds 0 1 2 3 4 5 6 7 8 9
_base_ = [
    '../_base_/datasets/neu_cls_small-data_3view.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
num_classes = 6
pretrained = None  # mmpretrain checkpoint path / URL of the backbone
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=50),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=num_classes,
        in_channels=2048,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)),
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
# one random view of the same augmentation as the SCL views
train_pipeline = [dict(type='LoadImageChecked')] + _base_.random_view + [
    dict(type='mmpretrain.PackInputs')
]
train_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=train_pipeline)))
test_dataloader = dict(dataset=dict(data_root=data_root))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=25, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
