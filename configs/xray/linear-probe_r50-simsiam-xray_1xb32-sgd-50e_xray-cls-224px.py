# Linear probe (the paper's secondary protocol): frozen ResNet-50 from X-ray
# SimSiam pretraining + global average pooling + one linear layer, image-
# level critical vs minor on the synthetic X-ray set; accuracy + AP.
_base_ = [
    '../_base_/datasets/xray_cls_probe.py',
    '../_base_/schedules/linear_probe_sgd_coslr_50e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'work_dirs/simsiam_r50/epoch_100.pth'  # mmpretrain SimSiam
# -----------------------------------------------------------------------------
# Built in mmpretrain's scope: nested types need no prefix. frozen_stages=4
# + norm_eval freeze every backbone weight and BN statistic.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet',
        depth=50,
        frozen_stages=4,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=2,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss'),
        topk=(1, )))
default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_best='accuracy/top1'),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
