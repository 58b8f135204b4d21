# NEU-DET: Pascal VOC boxes of the 6 NEU classes (1,800 images, 4,189 boxes)
# in NEU's flat layout IMAGES/<id>.jpg + ANNOTATIONS/<id>.xml.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/neu_det.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
split_ratios = (0.7, 0.1, 0.2)  # train / val / test, per class
split_seed = 0
# Split files instead (tools/dataset_converters/neu_split.py): set
# ann_file='splits/train.txt' etc. in the datasets below.
img_scale = (400, 400)  # NEU images are 200 x 200
batch_size = 8  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'NEUDetDataset'

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
    filter_cfg=dict(filter_empty_gt=True, min_size=8),
    pipeline=train_pipeline)
val_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    split='val',
    split_ratios=split_ratios,
    split_seed=split_seed,
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
test_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=test_dataset)
# AP at IoU 0.5 per class and mAP, as NEU-DET papers report.
val_evaluator = dict(type='mmdet.VOCMetric', metric='mAP', eval_mode='area')
test_evaluator = val_evaluator
