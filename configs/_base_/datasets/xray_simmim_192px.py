# Unlabelled X-ray images for SimMIM pretraining (192 px crops).
# ---- frequently modified parameters ----------------------------------------
# Your own X-ray images (any folder tree of 8/16-bit PNG/TIFF):
#   --cfg-options train_dataloader.dataset.data_root=/path/to/xrays \
#                 train_dataloader.dataset.synthetic=None
data_root = 'data/synthetic_xray'  # synthetic default, generated on first use
synthetic = dict(
    num_unlabelled=2000, num_train=400, num_val=100, img_size=512, seed=0)
batch_size = 128  # per GPU
num_workers = 8
img_size = 192
# -----------------------------------------------------------------------------
data_preprocessor = dict(
    type='mmpretrain.SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

# 16-bit radiographs are windowed to 8 bit between the 0.5th and 99.5th
# intensity percentile of each image, then replicated to 3 channels so
# ImageNet and X-ray checkpoints are interchangeable.
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_pipeline = [
    load_xray,
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.67, 1.0)),
    dict(type='mmpretrain.RandomFlip', prob=0.5),
    dict(
        type='mmpretrain.SimMIMMaskGenerator',
        input_size=img_size,
        mask_patch_size=32,
        model_patch_size=4,
        mask_ratio=0.6),
    dict(type='mmpretrain.PackInputs'),
]
val_pipeline = [
    load_xray,
    dict(type='mmpretrain.ResizeEdge', scale=img_size, edge='short'),
    dict(type='mmpretrain.CenterCrop', crop_size=img_size),
    dict(
        type='mmpretrain.SimMIMMaskGenerator',
        input_size=img_size,
        mask_patch_size=32,
        model_patch_size=4,
        mask_ratio=0.6),
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
# tools/test.py reports the held-out pretext loss on the synthetic validation
# images (no validation during pretraining, as in mmpretrain).
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
        pipeline=val_pipeline))
test_evaluator = dict(type='PretextLossMetric')
