# The model zoo's CPU-sized X-ray detector: Faster R-CNN with a half-width
# R18 (32 base channels), 64-channel FPN/RPN/RoI, on the synthetic castings (critical / minor), backbone from
# the zoo's X-ray SimSiam ResNet-18 (zoo://, converted on loading by the
# selfsup+zoo:// scheme), trained on 256 px crops of the 512 px radiographs
# for 6 epochs, tested on whole images. Percentile window + CLAHE.
#   python tools/train.py configs/xray/faster-rcnn-fpn_r18-w32-simsiam-xray_1xb4-sgd-6e_xray-512px.py
_base_ = './faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py'
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'zoo://simsiam_r18-w32_1xb32-sgd-coslr-6e_xray-64px'
data_root = 'data/synthetic_xray_zoo/'
synthetic = dict(
    num_unlabelled=128, num_train=120, num_val=50, img_size=512, seed=0)
img_scale = (512, 512)
crop_size = (256, 256)
batch_size = 4
max_epochs = 6
lr = 0.02
# -----------------------------------------------------------------------------
load = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmseg.CLAHE', clip_limit=4.0, tile_grid_size=(8, 8))
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        synthetic=synthetic,
        pipeline=[
            *load,
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(
                type='mmdet.RandomCrop',
                crop_size=crop_size,
                allow_negative_crop=False),
            dict(
                type='mmdet.RandomFlip',
                prob=0.5,
                direction=['horizontal', 'vertical']),
            dict(type='mmdet.PackDetInputs')
        ]))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        synthetic=synthetic,
        pipeline=[
            *load,
            dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(
                type='mmdet.PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                           'scale_factor'))
        ]))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
model = dict(
    backbone=dict(
        depth=18,
        base_channels=32,
        frozen_stages=-1,
        norm_eval=False,
        init_cfg=dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')),
    neck=dict(in_channels=[32, 64, 128, 256], out_channels=64),
    rpn_head=dict(
        in_channels=64, feat_channels=64, anchor_generator=dict(scales=[2])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256)),
    train_cfg=dict(
        rpn_proposal=dict(max_per_img=300), rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(max_per_img=300)))
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=50),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[5],
        gamma=0.1)
]
optim_wrapper = dict(
    optimizer=dict(lr=lr), clip_grad=dict(max_norm=35, norm_type=2))
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
