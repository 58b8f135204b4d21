# Your own Pascal VOC XML boxes (e.g. GC10-DET), any folder names:
#   data_root/JPEGImages/<id>.jpg, data_root/Annotations/<id>.xml,
#   data_root/ImageSets/Main/{train,val,test}.txt (ids, one a line)
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/voc_det.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_voc/'
img_subdir, ann_subdir = 'JPEGImages', 'Annotations'
train_ids = 'ImageSets/Main/train.txt'
val_ids = 'ImageSets/Main/val.txt'
test_ids = 'ImageSets/Main/test.txt'
classes = ('defect', )  # the <name>s in the XML files
img_scale = (800, 800)
batch_size = 4  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'VOCDetDataset'

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
    ann_file=train_ids,
    img_subdir=img_subdir,
    ann_subdir=ann_subdir,
    metainfo=dict(classes=classes),
    filter_cfg=dict(filter_empty_gt=True, min_size=8),
    pipeline=train_pipeline)
val_dataset = dict(
    train_dataset,
    ann_file=val_ids,
    filter_cfg=None,
    test_mode=True,
    pipeline=test_pipeline)
test_dataset = dict(val_dataset, ann_file=test_ids)

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
