# SimSiam pretraining of ResNet-50 on unlabelled X-ray images
# (Intxausti et al. 2024). Entry point: configs/xray/simsiam_r50.py.
_base_ = [
    '../_base_/datasets/xray_simsiam_224px.py',
    '../_base_/schedules/simsiam_sgd_coslr_100e.py',
    '../_base_/default_runtime.py',
]
depth = 50
feat_dims = 2048

# Symmetric negative cosine with stop-gradient: projector 2048-2048-2048,
# predictor 2048-512-2048 (mmpretrain SimSiam). SyncBN in multi-GPU runs:
# --cfg-options model.backbone.norm_cfg.type=SyncBN
model = dict(
    type='SimSiamWithEval',
    backbone=dict(
        type='mmpretrain.ResNet',
        depth=depth,
        norm_cfg=dict(type='BN'),
        zero_init_residual=True),
    neck=dict(
        type='mmpretrain.NonLinearNeck',
        in_channels=feat_dims,
        hid_channels=2048,
        out_channels=2048,
        num_layers=3,
        with_last_bn_affine=False,
        with_avg_pool=True),
    head=dict(
        type='mmpretrain.LatentPredictHead',
        loss=dict(type='mmpretrain.CosineSimilarityLoss'),
        predictor=dict(
            type='mmpretrain.NonLinearNeck',
            in_channels=2048,
            hid_channels=512,
            out_channels=2048,
            with_avg_pool=False,
            with_last_bn=False,
            with_last_bias=True)))

# SimSiamHook: the predictor keeps the base lr (the schedule's lr). This
# list replaces default_runtime.py's custom_hooks: keep its entries (RNG
# states, non-finite loss stop, checkpoint fit check).
custom_hooks = [
    dict(
        type='mmpretrain.SimSiamHook',
        priority='HIGH',
        fix_pred_lr=True,
        lr={{_base_.lr}}),
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
]

# keep the latest 3 checkpoints, one every 10 epochs
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3))
