# Image-level critical vs minor on the synthetic X-ray castings set, for the
# frozen-backbone linear probe: an image is "critical" when it holds at
# least one critical defect, else "minor" (defectzoo XRayDefectClsDataset).
# The whole radiograph is resized (no random crop, which could cut the only
# critical defect out and flip the label).
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/synthetic_xray/'  # annotations/*.json, train/, val/
synthetic = dict()  # generator defaults; None = use as is
img_size = 224
batch_size = 32  # per GPU
num_workers = 2
# -----------------------------------------------------------------------------
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=2,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_pipeline = [
    load_xray,
    dict(type='mmpretrain.Resize', scale=img_size),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    load_xray,
    dict(type='mmpretrain.Resize', scale=img_size),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XRayDefectClsDataset',
        data_root=data_root,
        split='train',
        synthetic=synthetic,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='XRayDefectClsDataset',
        data_root=data_root,
        split='val',
        synthetic=synthetic,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# the paper's linear-probe metrics: accuracy and average precision
# (AveragePrecision: macro mean over the two classes)
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.AveragePrecision'),
]
test_evaluator = val_evaluator
