# Magnetic-tile (image, mask, guide) pairs for mask-conditioned GANs: the
# five defect folders only (defect-free images are not pairs); the four
# Uneven images with empty masks are skipped (skip_invalid). Guide vector:
# defect type (folder), background brightness bin and texture bin measured
# on the image (DefectGuideVector).
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per defect folder
split_seed = 0
pair_size = 256  # image / mask size fed to the GAN
defect_types = ('Blowhole', 'Break', 'Crack', 'Fray', 'Uneven')
brightness_edges = (75., 95.)  # background mean grey -> 3 bins
texture_edges = (5.5, 7.5)  # background high-pass std -> 3 bins
batch_size = 8
num_workers = 2
# -----------------------------------------------------------------------------
guide = dict(
    type='DefectGuideVector',
    defect_types=defect_types,
    type_from='folder_class',
    brightness_edges=brightness_edges,
    texture_edges=texture_edges)
train_pipeline = [
    dict(type='LoadImageChecked', color_type='grayscale'),
    dict(type='LoadDefectMask'),  # mask / image size checked
    guide,
    dict(type='Resize', scale=(pair_size, pair_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
    dict(type='PackDefectPairInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked', color_type='grayscale'),
    dict(type='LoadDefectMask'),
    guide,
    dict(type='Resize', scale=(pair_size, pair_size), keep_ratio=False),
    dict(type='PackDefectPairInputs'),
]
train_dataset = dict(
    type='MagneticTileDefectPairDataset',
    data_root=data_root,
    split='train',
    split_ratios=split_ratios,
    split_seed=split_seed,
    skip_invalid=True,
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
    dataset=dict(train_dataset, split='val', pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(train_dataset, split='test', pipeline=test_pipeline))
