# SCL + ArcMargin on MixedWM38 wafer maps (38 classes, 52 x 52, values
# 0/1/2 rendered grey), small data: 20 maps per class from the seeded 80 %
# split, test on the 20 % (7,603 maps). Paper: 92.27 / 96.88 / 97.83 % at
# 20 / 50 / 100 per class (ResNet-50 CE: 55.36 / 86.72 / 89.73).
#   python tools/analysis_tools/small_data.py <this config> --k 20 50 100 --seeds 0 1 2 3 4 5 6 7 8 9
_base_ = [
    '../_base_/datasets/mixedwm38.py',
    '../_base_/models/scl-arcmargin_resnet50.py',
    '../_base_/schedules/adam_100e.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/mixedwm38/'
k_per_class = 20                  # 20 / 50 / 100
subset_seed = 0
img_size = 208
num_classes = 38
batch_size = 32
num_workers = 2
pretrained = None
# -----------------------------------------------------------------------------
# (mixedwm38.py sets default_scope / custom_imports; the runtime is repeated
# here instead of inheriting default_runtime.py, which sets them too.)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=25, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='nccl'),
               mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)

model = dict(
    data_preprocessor=dict(mean=[127.5, 127.5, 127.5],
                           std=[127.5, 127.5, 127.5]),
    head=dict(num_classes=num_classes),
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
# wafer maps: right-angle turns and flips keep a map a valid map; no crops
# that could cut a pattern off the wafer (the views differ by orientation)
random_view = [
    dict(type='RandomRot90'),
    dict(type='mmpretrain.RandomFlip', prob=[0.25, 0.25],
         direction=['horizontal', 'vertical']),
]
train_pipeline = [
    dict(type='mmpretrain.MultiView', num_views=[1, 2],
         transforms=[[], random_view]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]
mixed = dict(type='MixedWM38Dataset', data_root=data_root,
             ann_file='Wafer_Map_Datasets.npz', img_size=img_size,
             test_ratio=0.2, split_seed=0, value_map={3: 2})
train_dataloader = dict(
    batch_size=batch_size, num_workers=num_workers,
    dataset=dict(_delete_=True, type='KPerClassSubset', k=k_per_class,
                 seed=subset_seed,
                 dataset=dict(mixed, split='train', pipeline=train_pipeline)))
gallery_dataloader = dict(
    batch_size=batch_size, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='KPerClassSubset', k=k_per_class, seed=subset_seed,
                 dataset=dict(mixed, split='train', pipeline=test_pipeline)))
test_dataloader = dict(
    batch_size=batch_size, num_workers=num_workers,
    dataset=dict(_delete_=True, **mixed, split='test',
                 pipeline=test_pipeline))
val_dataloader = None
val_evaluator = None
custom_hooks = [dict(type='RandomStateHook'), dict(type='CheckFiniteHook'),
                dict(type='CheckpointFitHook'),
                dict(type='ReferenceGalleryHook')]
