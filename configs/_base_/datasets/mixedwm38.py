# MixedWM38 wafer maps (Wang et al. 2020): 38,015 maps 52 x 52 with values
# 0/1/2, 38 single-label classes (C1 Normal ... C38 Donut+Edge_Ring+Loc+
# Scratch). Read straight from the npz and rendered in memory (0 black,
# 1 grey, 2 white, nearest resizing): no conversion needed.
# Seeded stratified 80/20 split (about 7,603 test maps), as in the papers.
# Check the data: python tools/misc/check_dataset.py configs/_base_/datasets/mixedwm38.py
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/mixedwm38/'
ann_file = 'Wafer_Map_Datasets.npz'
img_size = 208  # 4 x 52: whole-pixel nearest upscaling
test_ratio = 0.2
split_seed = 0
num_per_class = None  # small data: 20 / 50 / 100 per class
num_classes = 38
batch_size = 32  # per GPU
num_workers = 4
# -----------------------------------------------------------------------------
dataset_type = 'MixedWM38Dataset'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=num_classes,
    mean=[127.5, 127.5, 127.5],
    std=[127.5, 127.5, 127.5],
    to_rgb=True)

# no loading transform: the dataset gives the rendered image
train_pipeline = [
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

common = dict(
    type=dataset_type,
    data_root=data_root,
    ann_file=ann_file,
    img_size=img_size,
    test_ratio=test_ratio,
    split_seed=split_seed,
    # 105 Near_full maps of the released npz hold a stray 3: a failing die
    value_map={3: 2})
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        common,
        split='train',
        num_per_class=num_per_class,
        pipeline=train_pipeline))
val_dataloader = dict(  # the papers have no val split: val = test
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(common, split='test', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
test_evaluator = val_evaluator
