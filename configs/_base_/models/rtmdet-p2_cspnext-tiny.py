# RTMDet-tiny (mmdet's CSPNeXt-tiny + CSPNeXtPAFPN + shared-conv head) cut
# for small defects on a CPU: the pyramid starts at stride 4 (P2, for 4-px
# pores) and stops at stride 16 (defects <= 64 px), 64-channel neck / head,
# one class. Priors inside ignore regions (COCO iscrowd=1) are left out of
# the loss (IgnoreRegionAssigner).
widen = 0.375  # CSPNeXt-tiny: stage outputs 48 / 96 / 192 / 384 channels
model = dict(
    type='mmdet.RTMDet',
    _scope_='mmdet',  # the head's default losses are mmdet's
    data_preprocessor=dict(
        type='mmdet.DetDataPreprocessor',
        mean=[103.53, 116.28, 123.675],
        std=[57.375, 57.12, 58.395],
        bgr_to_rgb=False,
        pad_size_divisor=32),
    backbone=dict(
        type='mmdet.CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=widen,
        channel_attention=True,
        out_indices=(1, 2, 3),  # strides 4, 8, 16
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True),
        init_cfg=None),
    neck=dict(
        type='mmdet.CSPNeXtPAFPN',
        in_channels=[48, 96, 192],
        out_channels=64,
        num_csp_blocks=1,
        expand_ratio=0.5,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    bbox_head=dict(
        type='mmdet.RTMDetSepBNHead',
        num_classes=1,
        in_channels=64,
        stacked_convs=2,
        feat_channels=64,
        anchor_generator=dict(
            type='mmdet.MlvlPointGenerator', offset=0, strides=[4, 8, 16]),
        bbox_coder=dict(type='mmdet.DistancePointBBoxCoder'),
        loss_cls=dict(
            type='mmdet.QualityFocalLoss',
            use_sigmoid=True,
            beta=2.0,
            loss_weight=1.0),
        loss_bbox=dict(type='mmdet.GIoULoss', loss_weight=2.0),
        with_objectness=False,
        exp_on_reg=False,
        share_conv=True,
        pred_kernel_size=1,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    train_cfg=dict(
        assigner=dict(
            type='defectzoo.IgnoreRegionAssigner',
            assigner=dict(type='mmdet.DynamicSoftLabelAssigner', topk=13)),
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(
        nms_pre=1000,
        min_bbox_size=0,
        score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.6),
        max_per_img=100))
