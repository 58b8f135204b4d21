# Small-defect detector trained only on simulated defects superimposed on
# good radiographs of the part (Mery 2021; no hand labels): RTMDet-tiny with
# a stride-4 level (configs/_base_/models/rtmdet-p2_cspnext-tiny.py), new
# random 3-D ellipsoidal voids on every draw (SuperimposeEllipsoidDefects),
# 256-px crops at native resolution, validated on labelled real defects.
#   python tools/train.py configs/xray/rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px.py \
#       --data-root /data/my_part
_base_ = [
    '../_base_/models/rtmdet-p2_cspnext-tiny.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
# Your part (--data-root /data/my_part): unlabelled/ holds good radiographs
# (8/16-bit PNG/TIFF, any tree); optional val/ + annotations/val.json a few
# labelled real defects (COCO, class 'defect') to validate on. Without them:
# tools/train.py --no-validate
# The default generates synthetic castings (8-bit, 640 px): 200 good parts,
# and the generator's own defects (another defect model) to validate on.
data_root = 'data/xray_castings/'
synthetic = dict(
    num_unlabelled=200,
    unlabelled_defects=(0, 0),
    num_train=200,
    num_val=100,
    img_size=640,
    seed=0,
    bit_depth=8,
    single_class=True,
    max_defect_size=40,
    defect_weights=dict(pore=0.55, void=0.3, cavity=0.15, crack=0.0))
part_mask_dir = None  # optional folder of part masks (PNG, non-zero = part)
real_ann_file = ''  # optional COCO of known real defects (iscrowd=1: ignore)
defects = dict(  # SuperimposeEllipsoidDefects: sizes in px of your images
    num_defects=(3, 10),
    size_range=(4, 40),
    mu=(0.01, 0.04),
    polarity='bright')
crop_size = (256, 256)
batch_size = 8
max_iters = 1000
lr = 0.002
score_thr = 0.3  # reported recall; inference default
ssl_checkpoint = None  # e.g. 'selfsup://work_dirs/simsiam_cspnext/iter_800.pth'
# -----------------------------------------------------------------------------
window = dict(percentiles=(0.5, 99.5), to_rgb=True)
clahe = dict(type='mmseg.CLAHE', clip_limit=4.0, tile_grid_size=(8, 8))
train_pipeline = [
    dict(type='LoadXRayImage', keep_raw=True, **window),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='SuperimposeEllipsoidDefects', window=window, **defects),
    clahe,
    dict(
        type='mmdet.RandomCrop', crop_size=crop_size,
        allow_negative_crop=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='RandomRot90'),
    dict(type='mmdet.PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadXRayImage', **window),
    clahe,
    dict(type='mmdet.Resize', scale_factor=1.0, keep_ratio=True),  # native
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SuperimposedXRayDataset',
        data_root=data_root,
        data_prefix=dict(img_path='unlabelled/'),  # the good radiographs
        synthetic=synthetic,
        part_mask_dir=part_mask_dir,
        real_ann_file=real_ann_file,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SyntheticXRayDetDataset',
        data_root=data_root,
        split='val',
        synthetic=synthetic,
        metainfo=dict(classes=('defect', )),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='XRayDetMetric',
    ann_file=data_root + 'annotations/val.json',
    critical_class='defect',
    score_thr=score_thr)
test_evaluator = val_evaluator
model = dict(
    backbone=dict(
        init_cfg=ssl_checkpoint and dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')))
train_cfg = dict(
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters // 4)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=lr, weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True),
    clip_grad=dict(max_norm=10, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=100),
    dict(
        type='CosineAnnealingLR',
        eta_min=lr * 0.05,
        by_epoch=False,
        begin=max_iters // 2,
        end=max_iters,
        T_max=max_iters // 2),
]
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(
        by_epoch=False,
        interval=max_iters // 4,
        max_keep_ckpts=1,
        save_best='det/AP50_voc',
        rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
log_processor = dict(by_epoch=False)
visualizer = dict(type='mmdet.DetLocalVisualizer')
