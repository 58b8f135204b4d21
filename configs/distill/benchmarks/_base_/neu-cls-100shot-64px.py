# Shared data, schedule and runtime of the lightweight-model benchmark
# (benchmarks/lightweight.py): NEU-CLS cut down to run on one CPU thread.
#   - 64 x 64 px images (NEU originals are 200 x 200; the paper: 224 x 224);
#   - 100 training images per class (600) from the 70 % train split,
#     tested on the 20 % test split (360 images, 60 per class);
#   - a few epochs of Adam (the paper: Adam, lr 1e-3, wd 0.05, batch 64);
#   - no validation during training: tools/test.py measures the checkpoint.
_base_ = ['../../../_base_/default_runtime.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
split_ratios = (0.7, 0.1, 0.2)
k_per_class = 100
img_size = 64
batch_size = 32
num_workers = 0  # one thread: decode in the main process
lr = 1e-3
max_epochs = 5
# -----------------------------------------------------------------------------
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=6,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.6, 1.0)),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
dataset = dict(
    type='NEUClsDataset',
    data_root=data_root,
    split_ratios=split_ratios,
    split_seed=0)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='KPerClassSubset',
        k=k_per_class,
        seed=0,
        dataset=dict(dataset, split='train', pipeline=train_pipeline)))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(dataset, split='test', pipeline=test_pipeline))
test_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
test_cfg = dict()
val_dataloader = val_cfg = val_evaluator = None

optim_wrapper = dict(optimizer=dict(type='Adam', lr=lr))
param_scheduler = dict(
    type='CosineAnnealingLR',
    T_max=max_epochs,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
