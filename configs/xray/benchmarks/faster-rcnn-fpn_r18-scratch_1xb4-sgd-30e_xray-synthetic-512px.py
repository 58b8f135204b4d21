# Benchmark (benchmarks/xray_transfer.py), step 3: Faster R-CNN R18-FPN
# fine-tuned from random initialisation on the synthetic castings set --
# the lower bound of the SSL gain. The SimSiam twin
# (./faster-rcnn-fpn_r18-simsiam-xray_...) differs only in init_cfg.
# Cut to 2 CPU cores: 192 px random crops of the full-resolution 512 px
# images, RPN anchors 2 x stride (5-10 px pores get an anchor), FPN / RPN /
# RoI width 64 and 300 proposals (the 256-channel stride-4 convs cost more
# than the whole ResNet-18 here), BN trained and nothing frozen for both
# inits; no validation during training (tools/test.py at the end).
_base_ = '../faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'work_dirs/bench_xray_transfer/data_512px/'
img_scale = (512, 512)  # test at full resolution
crop_size = (192, 192)  # training crops
batch_size = 4
max_epochs = 30
lr = 0.02
anchor_scale = 2  # RPN anchor side / stride (mmdet: 8)
clahe_clip = 4.0
# -----------------------------------------------------------------------------
load = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmseg.CLAHE', clip_limit=clahe_clip, tile_grid_size=(8, 8)),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        synthetic=None,
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
            dict(type='mmdet.PackDetInputs'),
        ]))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        synthetic=None,
        pipeline=[
            *load,
            dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(
                type='mmdet.PackDetInputs',
                meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                           'scale_factor')),
        ]))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
model = dict(
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(
        in_channels=64,
        feat_channels=64,
        anchor_generator=dict(scales=[anchor_scale])),
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
        milestones=[2 * max_epochs // 3, 11 * max_epochs // 12],
        gamma=0.1),
]
optim_wrapper = dict(
    optimizer=dict(lr=lr), clip_grad=dict(max_norm=35, norm_type=2))
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_epochs, save_best=None))
randomness = dict(seed=0)
