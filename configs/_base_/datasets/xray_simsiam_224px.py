# Unlabelled X-ray images for SimSiam pretraining (two 224 px views).
# ---- frequently modified parameters ----------------------------------------
# Your own X-ray images (any folder tree of 8/16-bit PNG/TIFF):
#   --cfg-options train_dataloader.dataset.data_root=/path/to/xrays \
#                 train_dataloader.dataset.synthetic=None
data_root = 'data/synthetic_xray'  # synthetic default, generated on first use
synthetic = dict(
    num_unlabelled=2000, num_train=400, num_val=100, img_size=512, seed=0)
batch_size = 32  # per GPU
num_workers = 8
img_size = 224
# -----------------------------------------------------------------------------
data_preprocessor = dict(
    type='mmpretrain.SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
# mmpretrain's SimSiam views minus what does nothing on single-channel X-ray
# images (hue, saturation, random grayscale); brightness/contrast model
# exposure and tube-voltage changes; a vertical flip is added because a
# radiograph has no canonical up.
view_pipeline = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow'),
    dict(
        type='mmpretrain.RandomApply',
        prob=0.8,
        transforms=[
            dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4)
        ]),
    dict(
        type='mmpretrain.GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
train_pipeline = [
    load_xray,
    dict(type='mmpretrain.MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    load_xray,
    dict(
        type='mmpretrain.MultiView',
        num_views=2,
        transforms=[[
            dict(type='mmpretrain.ResizeEdge', scale=img_size, edge='short'),
            dict(type='mmpretrain.CenterCrop', crop_size=img_size)
        ]]),
    dict(type='mmpretrain.PackInputs'),
]

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XRayImageFolder',
        data_root=data_root,
        synthetic=synthetic,
        pipeline=train_pipeline))
# tools/test.py reports the held-out negative-cosine loss on the synthetic
# validation images (no validation during pretraining, as in mmpretrain).
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XRayImageFolder',
        data_root=data_root,
        split='val',
        synthetic=synthetic,
        pipeline=test_pipeline))
test_evaluator = dict(type='PretextLossMetric')
