# Synthetic metal-surface defects for multi-task models (image label +
# class-index mask + boxes): the embedded default, no download. Masks come
# from the generator; boxes and the image label (defect-free / defective)
# are derived from the mask's connected components (MaskToInstances).
# ---- frequently modified parameters ----------------------------------------
num_train = 600
num_val = 120
num_test = 120
seed = 0
img_size = 256  # generated = network input size
batch_size = 8  # per GPU
num_workers = 2
num_mask_classes = 6  # background + 5 defect classes
min_area = 1  # smaller mask components give no box
# -----------------------------------------------------------------------------
dataset_type = 'SyntheticSurfaceDefectDataset'

# no loading transform: the dataset gives the generated image and mask
train_pipeline = [
    dict(
        type='MaskToInstances',
        num_classes=num_mask_classes,
        min_area=min_area),
    dict(type='mmdet.Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [
    dict(
        type='MaskToInstances',
        num_classes=num_mask_classes,
        min_area=min_area),
    # same size: sets scale_factor (1, 1) for the detection head
    dict(type='mmdet.Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='PackMultiTaskInputs'),
]

common = dict(
    type=dataset_type,
    task='seg',
    seed=seed,
    img_size=img_size,
    with_defect_free=True)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        common, split='train', num_samples=num_train, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=num_workers > 0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        common, split='val', num_samples=num_val, pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        common, split='test', num_samples=num_test, pipeline=test_pipeline))
val_evaluator = dict(type='MultiTaskMetric')
test_evaluator = val_evaluator
