# Defect-Aux-Net's three heads (image class, FPN segmentation, RetinaNet
# boxes) on the zoo's CPU backbone, to compare multi-task with the three
# single-task networks at a budget where they learn: CSPNeXt-tiny initialised
# from the zoo's NEU-CLS classifier (its built-in channel attention in place
# of the paper's SE + SA), FPN of 64 channels, 192 x 192 input, the whole
# training split (940 tiles), 16 epochs of AdamW + cosine, flips and quarter
# turns, one CPU thread. The siblings ce_ / semantic-fpn_ / retinanet_ keep
# one head each and the same everything else; benchmarks/defect_aux_net.py
# --part zoo trains the four and tests them on the test split (269 tiles).
#   python tools/train.py configs/defect_aux_net/benchmarks/defect-aux-net_cspnext-tiny-neu-cls-fpn_1xb8-adamw-coslr-16e_magnetic-tile-192px.py --data-root MAGNETIC_TILE
_base_ = '../defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
backbone_checkpoint = \
    'zoo://ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'
fpn_channels = 64
img_scale = (192, 192)
max_epochs = 16
lr = 1e-3
batch_size = 8
# -----------------------------------------------------------------------------
model = dict(
    # the NEU-CLS backbone's preprocessing: BGR in, BGR mean / std
    data_preprocessor=dict(
        mean=[103.53, 116.28, 123.675],
        std=[57.375, 57.12, 58.395],
        bgr_to_rgb=False),
    backbone=dict(
        _delete_=True,
        type='mmdet.CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=0.375,  # stage outputs 48 / 96 / 192 / 384
        channel_attention=True,
        out_indices=(1, 2, 3, 4),  # strides 4 ... 32
        frozen_stages=1,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True),
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.')),
    neck=dict(in_channels=[48, 96, 192, 384], out_channels=fpn_channels),
    cls_head=dict(in_channels=384),
    # Dice alone (the paper's loss) did not learn here: from the initial
    # 50 % defect probability everywhere its gradient vanishes (validation
    # of a first 16-epoch run: Dice loss 0.95-0.98 throughout, most pixels
    # called defect, and the image class at chance); pixel cross-entropy
    # next to it gives every pixel a gradient
    seg_head=dict(
        in_channels=[fpn_channels] * 4,
        channels=32,
        loss_decode=[
            dict(type='CrossEntropyLoss', loss_weight=1.0),
            dict(
                type='DiceLoss',
                use_sigmoid=False,
                naive_dice=True,
                eps=1.0,
                ignore_index=0,
                loss_weight=1.0)
        ]),
    det_head=dict(
        in_channels=fpn_channels,
        feat_channels=fpn_channels,
        stacked_convs=2,
        # anchors for 192 px: 8 ... 200 px, so that a blowhole of a few
        # pixels still gets a positive anchor
        anchor_generator=dict(octave_base_scale=1)))
min_area = 4
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(type='RandomRot90'),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
    dict(type='PackMultiTaskInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root, skip_invalid=True, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
val_dataloader = None
val_evaluator = None
val_cfg = None
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs + 1)
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=100),
    dict(
        type='CosineAnnealingLR',
        eta_min=lr * 0.05,
        T_max=max_epochs,
        begin=0,
        end=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True),
]
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=True)
