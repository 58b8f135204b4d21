# ResNet-18 on NEU-CLS with the ICECET 2022 recipe (Sampath et al.): Adam,
# lr 1e-3, weight decay 0.05, batch 64, 224 x 224. The student alone (the
# paper's "Resnet-18 (Baseline)"); the teachers below inherit it.
#   python tools/train.py configs/distill/ce_r18_1xb64-adam-100e_neu-cls-224px.py
_base_ = ['../_base_/datasets/neu_cls.py', '../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
batch_size = 64
lr = 1e-3
weight_decay = 0.05
max_epochs = 100
# -----------------------------------------------------------------------------
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='mmpretrain.ResNet', depth=18),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(
        type='mmpretrain.LinearClsHead',
        num_classes=6,
        in_channels=512,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))
train_dataloader = dict(
    batch_size=batch_size, dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=lr, weight_decay=weight_decay))
param_scheduler = dict(
    type='CosineAnnealingLR',
    T_max=max_epochs,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook',
        interval=10,
        max_keep_ckpts=1,
        save_best='accuracy/top1'),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
randomness = dict(seed=0)
