# SCL + ArcMargin on your own images, one folder per class:
#   data_root/train/<class>/*.png   the few labelled images (also the gallery)
#   data_root/test/<class>/*.png    held-out images
# Edit the block below (or --cfg-options), then
#   python tools/train.py configs/scl_arcmargin/scl-arcmargin_r50_1xb32-adam-100e_image-folder-224px.py
#   python tools/test.py  <this config> work_dirs/<config>/epoch_100.pth
# Classify against other references later, without retraining:
#   python tools/misc/build_gallery.py <this config> epoch_100.pth --folder refs/ --out new.pth
_base_ = [
    '../_base_/models/scl-arcmargin_resnet50.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_defects/'
train_prefix, test_prefix = 'train', 'test'
classes = None  # None: the sorted folder names (or a tuple)
num_classes = 2
img_size = 224
batch_size = 32  # per GPU
num_workers = 2
pretrained = None  # backbone checkpoint (path / URL), e.g. ImageNet or
# a defectzoo self-supervised run on unlabelled images
# -----------------------------------------------------------------------------
model = dict(
    head=dict(num_classes=num_classes),
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
original_view = [dict(type='mmpretrain.Resize', scale=(img_size, img_size))]
random_view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.3, 1.0)),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[original_view, random_view]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'), *original_view,
    dict(type='mmpretrain.PackInputs')
]
folder = dict(
    type='ImageFolderClsDataset', data_root=data_root, classes=classes)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(folder, data_prefix=train_prefix, pipeline=train_pipeline))
gallery_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(folder, data_prefix=train_prefix, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(folder, data_prefix=test_prefix, pipeline=test_pipeline))
test_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ReferenceGalleryHook')
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=25, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
