# SCL + ArcMargin on MixedWM38 wafer maps (38 classes, 52 x 52, values
# 0/1/2 rendered grey), small data: 20 maps per class from the seeded 80 %
# split, test on the 20 % (7,603 maps). Paper: 92.27 / 96.88 / 97.83 % at
# 20 / 50 / 100 per class (ResNet-50 CE: 55.36 / 86.72 / 89.73).
#   python tools/analysis_tools/small_data.py <this config> --k 20 50 100 --seeds 0 1 2 3 4 5 6 7 8 9
_base_ = [
    '../_base_/datasets/mixedwm38.py',
    '../_base_/models/scl-arcmargin_resnet50.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/mixedwm38/'
k_per_class = 20  # 20 / 50 / 100
subset_seed = 0
img_size = 208
num_classes = 38
batch_size = 32
num_workers = 2
pretrained = None
# -----------------------------------------------------------------------------
default_hooks = dict(
    checkpoint=dict(interval=25, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')

model = dict(
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5]),
    head=dict(num_classes=num_classes),
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
# wafer maps: right-angle turns and flips keep a map a valid map; no crops
# that could cut a pattern off the wafer (the views differ by orientation)
random_view = [
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
]
train_pipeline = [
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[[], random_view]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]
mixed = dict(
    type='MixedWM38Dataset',
    data_root=data_root,
    ann_file='Wafer_Map_Datasets.npz',
    img_size=img_size,
    test_ratio=0.2,
    split_seed=0,
    value_map={3: 2})
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(
        _delete_=True,
        type='KPerClassSubset',
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(mixed, split='train', pipeline=train_pipeline)))
gallery_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='KPerClassSubset',
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(mixed, split='train', pipeline=test_pipeline)))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(_delete_=True, **mixed, split='test', pipeline=test_pipeline))
val_dataloader = None
val_evaluator = None
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ReferenceGalleryHook')
]
