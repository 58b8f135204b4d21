# Labelled X-ray detection: the synthetic castings set (critical / minor),
# generated on first use into data_root (defectzoo SyntheticXRayDetDataset,
# a COCO dataset). Your own COCO-format X-ray set with the same two classes:
#   --cfg-options train_dataloader.dataset.synthetic=None \
#       train_dataloader.dataset.data_root=/data/xray ... (see README)
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/synthetic_xray/'  # annotations/*.json, train/, val/
synthetic = dict()  # generator defaults; None: as is
img_scale = (512, 512)  # synthetic: 512 px (paper: 1024)
batch_size = 2  # per GPU
num_workers = 2
score_thr = 0.5  # score threshold of the critical recall
# -----------------------------------------------------------------------------
dataset_type = 'SyntheticXRayDetDataset'
backend_args = None
# 16-bit radiographs windowed to 8 bit between the 0.5/99.5th percentile of
# each image and replicated to 3 channels (as in pretraining).
load_xray = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
train_pipeline = [
    load_xray,
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs'),
]
test_pipeline = [
    load_xray,
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='mmdet.AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        synthetic=synthetic,
        filter_cfg=dict(filter_empty_gt=True, min_size=2),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=1,
    num_workers=num_workers,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        synthetic=synthetic,
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

# VOC AP@0.5 + COCO AP/AP50/AP75 per class + recall of `critical` at score_thr
val_evaluator = dict(
    type='XRayDetMetric',
    ann_file=data_root + 'annotations/val.json',
    critical_class='critical',
    score_thr=score_thr)
test_evaluator = val_evaluator
