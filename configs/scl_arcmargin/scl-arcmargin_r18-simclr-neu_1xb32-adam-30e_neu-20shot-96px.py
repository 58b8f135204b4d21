# The no-ImageNet recipe that runs on a CPU (our benchmark): ResNet-18 at
# 96 px, backbone + projector initialised from SimCLR on the unlabelled
# non-test NEU images (simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py),
# then the paper's one-stage SCL + ArcMargin training for 30 epochs.
#   python tools/train.py configs/scl_arcmargin/simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py \
#       --work-dir work_dirs/simclr_neu
#   python tools/train.py <this config> --cfg-options \
#       pretrained=work_dirs/simclr_neu/epoch_25.pth
_base_ = ['./scl-arcmargin_r50_1xb32-adam-100e_neu-20shot-224px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
img_size = 96
max_epochs = 30
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
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=train_pipeline)))
gallery_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=test_pipeline)))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
