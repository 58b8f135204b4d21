# Linear probe: frozen Swin-T (window 12, 192 px, as pretrained) from X-ray
# SimMIM + global average pooling + one linear layer, critical vs minor;
# accuracy + AP.
_base_ = [
    '../_base_/datasets/xray_cls_probe.py',
    '../_base_/schedules/linear_probe_sgd_coslr_50e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'work_dirs/simmim_swin/epoch_100.pth'  # mmpretrain SimMIM
img_size = 192
# -----------------------------------------------------------------------------
# SimMIM's backbone keys are those of mmpretrain's SwinTransformer (plus
# mask_token, ignored). frozen_stages=3 freezes the patch embedding, all
# four stages and norm3.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='SwinTransformer',
        arch='tiny',
        img_size=img_size,
        stage_cfgs=dict(block_cfgs=dict(window_size=12)),
        pad_small_map=True,
        frozen_stages=3,
        drop_path_rate=0.,
        init_cfg=dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=2,
        in_channels=768,
        loss=dict(type='CrossEntropyLoss'),
        topk=(1, )))
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_dataloader = dict(
    dataset=dict(pipeline=[
        load_xray,
        dict(type='mmpretrain.Resize', scale=img_size),
        dict(
            type='mmpretrain.RandomFlip',
            prob=[0.25, 0.25],
            direction=['horizontal', 'vertical']),
        dict(type='mmpretrain.PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        load_xray,
        dict(type='mmpretrain.Resize', scale=img_size),
        dict(type='mmpretrain.PackInputs')
    ]))
test_dataloader = val_dataloader
default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_best='accuracy/top1'),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
