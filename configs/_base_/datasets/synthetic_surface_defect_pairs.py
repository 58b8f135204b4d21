# Embedded default (no download): synthetic metal-surface images with exact
# defect masks (SyntheticSurfaceDefectDataset, task='seg', one defect kind
# per image) as (image, mask, guide) pairs. Guide: defect kind, background
# brightness bin, texture bin.
# ---- frequently modified parameters ----------------------------------------
num_train = 1200
num_test = 200
pair_size = 256
defect_types = ('scratch', 'spot', 'patch', 'crack', 'inclusion')
brightness_edges = (105., 130.)
texture_edges = (5.5, 6.9)
batch_size = 8
num_workers = 2
# -----------------------------------------------------------------------------
guide = dict(
    type='DefectGuideVector',
    defect_types=defect_types,
    type_from='seg_label',
    brightness_edges=brightness_edges,
    texture_edges=texture_edges)
train_pipeline = [
    guide,
    dict(type='Resize', scale=(pair_size, pair_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PackDefectPairInputs'),
]
test_pipeline = [
    guide,
    dict(type='Resize', scale=(pair_size, pair_size), keep_ratio=False),
    dict(type='PackDefectPairInputs'),
]
train_dataset = dict(
    type='SyntheticSurfaceDefectDataset',
    task='seg',
    split='train',
    num_samples=num_train,
    img_size=pair_size,
    num_defects=(1, 1),
    color_type='grayscale',
    pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=train_dataset)
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        train_dataset,
        split='val',
        num_samples=num_test,
        pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        train_dataset,
        split='test',
        num_samples=num_test,
        pipeline=test_pipeline))
