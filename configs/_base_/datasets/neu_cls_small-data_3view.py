# NEU-CLS small-data protocol of the SCL + ArcMargin paper: a fixed, seeded,
# stratified 80/20 split; k training images per class drawn (seeded, nested)
# from the 80 %; test on the whole 20 % (360 images). No validation split.
# Training samples are three views: the original image and two random views
# (random resized crop, k x 90 degree turn, h/v flips; no colour jitter).
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'  # IMAGES/ of NEU-DET (or NEU-CLS)
split_ratios = (0.8, 0.0, 0.2)  # train / (no val) / test, per class
split_seed = 0
k_per_class = 20  # 10 / 20 / 50
subset_seed = 0  # the paper's "mean of 10 runs": 0 ... 9
img_size = 224
batch_size = 32  # per GPU
num_workers = 2
# -----------------------------------------------------------------------------
dataset_type = 'NEUClsDataset'

load = dict(type='LoadImageChecked')
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
    load,
    dict(
        type='mmpretrain.MultiView',
        num_views=[1, 2],
        transforms=[original_view, random_view]),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [load, *original_view, dict(type='mmpretrain.PackInputs')]

split = dict(
    type=dataset_type,
    data_root=data_root,
    split_ratios=split_ratios,
    split_seed=split_seed)
train_dataset = dict(
    type='KPerClassSubset',
    k=k_per_class,
    seed=subset_seed,
    dataset=dict(split, split='train', pipeline=train_pipeline))
# the same k images with the test pipeline: the reference gallery
gallery_dataset = dict(
    type='KPerClassSubset',
    k=k_per_class,
    seed=subset_seed,
    dataset=dict(split, split='train', pipeline=test_pipeline))
test_dataset = dict(split, split='test', pipeline=test_pipeline)

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=train_dataset)
gallery_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=gallery_dataset)
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=test_dataset)
test_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='mmpretrain.SingleLabelMetric', average='macro'),
]
