# Few-shot part of our CPU benchmark: the 96 px ResNet-18 from SimCLR on the
# unlabelled non-test NEU images, SCL + ArcMargin on the base classes' 80 %
# side for 10 epochs; 3-way episodes on the novel classes' 20 % side (images
# the self-supervised stage never saw).
_base_ = ['./scl-arcmargin_r50_1xb32-adam-100e_neu-fewshot-3way-224px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
train_split = 'train'
test_split = 'test'
img_size = 96
max_epochs = 10
pretrained = 'work_dirs/simclr_neu/epoch_25.pth'
# -----------------------------------------------------------------------------
model = dict(
    init_cfg=dict(_delete_=True, type='Pretrained', checkpoint=pretrained),
    backbone=dict(depth=18),
    neck=dict(in_channels=512, hid_channels=512))
original_view = [dict(type='mmpretrain.Resize', scale=(img_size, img_size))]
random_view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.3, 1.0)),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[original_view, random_view]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'), *original_view,
    dict(type='mmpretrain.PackInputs')
]
train_dataloader = dict(
    dataset=dict(
        data_root=data_root, split=train_split, pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(
        data_root=data_root, split=test_split, pipeline=test_pipeline))
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
