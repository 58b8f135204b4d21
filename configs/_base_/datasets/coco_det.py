# Your own COCO-format boxes:
#   data_root/annotations/{train,val,test}.json, data_root/images/*.jpg
# Classes default to the categories of the JSON files.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/coco_det.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_coco/'
img_prefix = 'images/'
train_ann = 'annotations/train.json'
val_ann = 'annotations/val.json'
test_ann = 'annotations/test.json'
classes = None  # None: all categories of the JSON file
img_scale = (800, 800)
batch_size = 4  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'CocoDetDataset'

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
    ann_file=train_ann,
    data_prefix=dict(img=img_prefix),
    metainfo=dict(classes=classes),
    filter_cfg=dict(filter_empty_gt=True, min_size=8),
    pipeline=train_pipeline)
val_dataset = dict(
    train_dataset,
    ann_file=val_ann,
    filter_cfg=None,
    test_mode=True,
    pipeline=test_pipeline)
test_dataset = dict(val_dataset, ann_file=test_ann)

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
val_evaluator = dict(
    type='mmdet.CocoMetric', ann_file=data_root + val_ann, metric='bbox')
test_evaluator = dict(val_evaluator, ann_file=data_root + test_ann)
