# Cross-entropy baseline of our CPU benchmark: identical to
# scl-arcmargin_r18-simclr-neu_1xb32-adam-30e_neu-20shot-96px.py
# (ResNet-18, 96 px, the same SimCLR backbone, k images, augmentation,
# optimiser, 30 epochs) with a linear head and cross-entropy.
_base_ = ['./ce_r50_1xb32-adam-100e_neu-20shot-224px.py']
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
    head=dict(in_channels=512))
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
    dict(type='LoadImageChecked'), *random_view,
    dict(type='mmpretrain.PackInputs')
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=train_pipeline)))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
