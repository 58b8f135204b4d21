# The model zoo's CPU-sized NEU-DET detector: Faster R-CNN, half-width R18 (32
# base channels), 64-channel FPN/RPN/RoI, 128 RoIs per image, 160 px, ONE
# epoch (CPU-sized),
# backbone initialised from the zoo's NEU-CLS half-width ResNet-18 (same images, same
# seeded split, so no test image was seen) through the zoo:// scheme.
#   python tools/train.py configs/neu_det/faster-rcnn-fpn_r18-w32-neu-cls_1xb8-sgd-1e_neu-det-160px.py
_base_ = './faster-rcnn-fpn_r50-imagenet_1xb8-sgd-1x_neu-det-400px.py'
# ---- frequently modified parameters ----------------------------------------
backbone_checkpoint = 'zoo://ce_r18-w32_1xb32-adam-4e_neu-cls-64px'
img_scale = (160, 160)
max_epochs = 1
batch_size = 8
lr = 0.02
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        depth=18,
        base_channels=32,
        frozen_stages=-1,
        norm_eval=False,
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.')),
    neck=dict(in_channels=[32, 64, 128, 256], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256)),
    train_cfg=dict(
        rpn_proposal=dict(max_per_img=300), rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(max_per_img=300)))
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=2, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(num_workers=2, dataset=dict(pipeline=test_pipeline))
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=50),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[1],
        gamma=0.1),
]
optim_wrapper = dict(
    optimizer=dict(lr=lr), clip_grad=dict(max_norm=35, norm_type=2))
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
