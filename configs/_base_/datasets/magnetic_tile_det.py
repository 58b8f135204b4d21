# Magnetic-tile defects, detection: one box per connected component of each
# mask (>= min_area pixels), labelled with the folder's defect class; Free
# images are kept as negatives (no boxes). Six Uneven images have an empty
# or near-empty mask in the published data: skip_invalid leaves them out.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/magnetic_tile_det.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per folder class
split_seed = 0
mask_threshold = 128
min_area = 4  # smaller components give no box
class_agnostic = False  # True: a single class 'defect'
img_scale = (512, 512)
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'MagneticTileDetDataset'

train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.RandomFlip', prob=0.5),
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

train_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    split='train',
    split_ratios=split_ratios,
    split_seed=split_seed,
    mask_threshold=mask_threshold,
    min_area=min_area,
    class_agnostic=class_agnostic,
    skip_invalid=True,
    filter_cfg=dict(filter_empty_gt=False),  # keep Free images as negatives
    pipeline=train_pipeline)
val_dataset = dict(
    train_dataset,
    split='val',
    filter_cfg=None,
    test_mode=True,
    pipeline=test_pipeline)
test_dataset = dict(val_dataset, split='test')

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='mmdet.AspectRatioBatchSampler'),
    dataset=train_dataset)
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=val_dataset)
test_dataloader = dict(val_dataloader, dataset=test_dataset)
val_evaluator = dict(type='mmdet.VOCMetric', metric='mAP', eval_mode='area')
test_evaluator = val_evaluator
