# Defect-Aux-Net (Sampath et al., IEEE TII 2023): ResNet-50 with SE +
# spatial attention in every bottleneck, FPN (P2-P7), classification head on
# C5, semantic-FPN segmentation head (Dice loss) on P2-P5, RetinaNet head
# (focal loss alpha 0.25, gamma 4) on P3-P7; L = L_cls + L_seg + L_det.
# Delete a head (cls_head=None, ...) for a single-task baseline.
# Each head is built in its library's scope (_scope_), so its nested types
# (losses, anchor generator, coders) are that library's.
# ---- frequently modified parameters ----------------------------------------
depth = 50
num_seg_classes = 2  # background + defect classes (mask values)
num_det_classes = num_seg_classes - 1
num_cls_classes = 2  # image label: defect-free / defective
attention = [  # in every bottleneck, in this order
    dict(
        cfg=dict(type='defectzoo.SEAttention', ratio=16),
        position='after_conv3'),
    dict(
        cfg=dict(type='defectzoo.SpatialAttention', kernel_size=7),
        position='after_conv3'),
]
loss_weights = dict(cls=1.0, seg=1.0, det=1.0)
# -----------------------------------------------------------------------------
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='DefectAuxNet',
    data_preprocessor=dict(
        type='MultiTaskDataPreprocessor',
        # the paper's min-max normalisation of 8-bit images to [0, 1]
        mean=[0.0, 0.0, 0.0],
        std=[255.0, 255.0, 255.0],
        bgr_to_rgb=True,
        pad_size_divisor=32,
        seg_pad_value=255),
    backbone=dict(
        type='mmdet.ResNet',
        depth=depth,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        frozen_stages=-1,
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        plugins=attention),
    neck=dict(
        type='mmdet.FPN',
        in_channels=[256, 512, 1024, 2048],
        out_channels=256,
        start_level=0,
        add_extra_convs='on_output',  # P6, P7 from P5
        num_outs=6),  # P2 ... P7
    cls_head=dict(
        _scope_='mmpretrain',
        type='LinearClsHead',
        num_classes=num_cls_classes,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    seg_head=dict(
        _scope_='mmseg',
        type='FPNHead',
        in_channels=[256, 256, 256, 256],
        in_index=[0, 1, 2, 3],  # P2 ... P5
        feature_strides=[4, 8, 16, 32],
        channels=128,
        dropout_ratio=0.1,
        num_classes=num_seg_classes,
        norm_cfg=norm_cfg,
        align_corners=False,
        # Dice over the defect classes (ignore_index drops the background
        # channel), linear denominators, smoothing 1
        loss_decode=dict(
            type='DiceLoss',
            use_sigmoid=False,
            naive_dice=True,
            eps=1.0,
            ignore_index=0,
            loss_weight=1.0)),
    det_head=dict(
        _scope_='mmdet',
        type='RetinaHead',
        num_classes=num_det_classes,
        in_channels=256,
        stacked_convs=4,
        feat_channels=256,
        anchor_generator=dict(
            type='AnchorGenerator',
            octave_base_scale=4,
            scales_per_octave=3,
            ratios=[0.5, 1.0, 2.0],
            strides=[8, 16, 32, 64, 128]),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[1.0, 1.0, 1.0, 1.0]),
        loss_cls=dict(
            type='FocalLoss',
            use_sigmoid=True,
            gamma=4.0,
            alpha=0.25,
            loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    det_in_index=(1, 2, 3, 4, 5),  # P3 ... P7
    loss_weights=loss_weights,
    train_cfg=dict(
        det=dict(
            assigner=dict(
                type='MaxIoUAssigner',
                pos_iou_thr=0.5,
                neg_iou_thr=0.4,
                min_pos_iou=0,
                ignore_iof_thr=-1),
            sampler=dict(type='PseudoSampler'),
            allowed_border=-1,
            pos_weight=-1,
            debug=False)),
    test_cfg=dict(
        det=dict(
            nms_pre=1000,
            min_bbox_size=0,
            score_thr=0.05,
            nms=dict(type='nms', iou_threshold=0.5),
            max_per_img=100)))
