# Benchmark cut-down of Defect-Aux-Net on magnetic tile, sized for one CPU
# thread (benchmarks/defect_aux_net.py runs it and its six siblings in
# about 40 minutes of one CPU thread): ResNet-50 at a quarter of the width
# (base_channels 16: stages of 64 ... 512 channels) with SE + spatial
# attention, FPN of 64 channels, 128 x 128 input, training on k=40 images
# per defect folder (all of Crack and Fray: 182 defective images) and 160
# defect-free ones (about as many defect-free as defective), 8 epochs from
# scratch (no ImageNet weights exist here), anchors scaled to the input, no
# validation; tested on the whole test split (269 images, 191 defect-free).
_base_ = '../defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_magnetic-tile-600px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
width = 16  # ResNet base_channels (64 in ResNet-50)
fpn_channels = 64
img_scale = (128, 128)
k_per_class = 40  # per defect folder
k_free = 160  # defect-free images (MT_Free: folder label 4)
max_epochs = 8
lr = 1e-3
batch_size = 8
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(base_channels=width),
    neck=dict(
        in_channels=[4 * width, 8 * width, 16 * width, 32 * width],
        out_channels=fpn_channels),
    cls_head=dict(in_channels=32 * width),
    seg_head=dict(in_channels=[fpn_channels] * 4, channels=32),
    det_head=dict(
        in_channels=fpn_channels,
        feat_channels=fpn_channels,
        stacked_convs=2,
        # anchors for 128 px: 8 ... 200 px (the 600 px config: 32 ... 812),
        # so that defects of a few pixels still get a positive anchor
        anchor_generator=dict(octave_base_scale=1)))
min_area = 4
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='PackMultiTaskInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmdet.Resize', scale=img_scale, keep_ratio=False),
    dict(type='LoadDefectMask', allow_missing=False),
    dict(type='MaskToInstances', num_classes=2, min_area=min_area),
    dict(type='PackMultiTaskInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='KPerClassSubset',
        k=k_per_class,
        k_by_label={4: k_free},
        seed=0,
        dataset=dict(
            type='MagneticTileSegDataset',
            data_root=data_root,
            split='train',
            skip_invalid=True,
            pipeline=train_pipeline)))
test_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
val_dataloader = None
val_evaluator = None
val_cfg = None
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs + 1)
optim_wrapper = dict(optimizer=dict(lr=lr))
warmup_epochs = max(1, round(0.3 * max_epochs))
param_scheduler = [  # one cycle: 30 % linear warm-up, then cosine annealing
    dict(
        type='LinearLR',
        start_factor=1 / 25,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=lr / 25 / 1e4,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1))
