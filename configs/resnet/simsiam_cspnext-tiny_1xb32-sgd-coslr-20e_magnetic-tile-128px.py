# SimSiam (the X-ray paper's in-domain self-supervision) on the magnetic-tile
# training images without their labels: mmdet's CSPNeXt-tiny, 128 px views
# of 20-100 % of a tile, 20 epochs on one CPU thread. Its backbone
# initialises the mask-supervised tile classifier;
# benchmarks/mt_init.py compares that init with random init and with the
# zoo's NEU-CLS init at the classifier's schedule.
#   python tools/train.py configs/resnet/simsiam_cspnext-tiny_1xb32-sgd-coslr-20e_magnetic-tile-128px.py --data-root MAGNETIC_TILE
_base_ = '../xray/simsiam_cspnext-tiny_1xb32-sgd-coslr-40e_xray-good-96px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'  # MT_<Class>/Imgs/<id>.jpg
synthetic = None
img_size = 128
crop_ratio_range = (0.2, 1.0)
batch_size = 32  # the base's; its lr 0.05 x 32 / 256 and SimSiamHook
max_epochs = 20
# -----------------------------------------------------------------------------
view = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=crop_ratio_range,
        backend='pillow'),
    dict(
        type='mmpretrain.RandomApply',
        prob=0.8,
        transforms=[
            dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4)
        ]),
    dict(
        type='mmpretrain.GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
]
pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.MultiView', num_views=2, transforms=[view]),
    dict(type='mmpretrain.PackInputs'),
]
dataset = dict(
    _delete_=True,
    type='MagneticTileClsDataset',
    data_root=data_root,
    pipeline=pipeline)
# the training split only (labels unused): no test image is seen
train_dataloader = dict(
    batch_size=batch_size, dataset=dict(dataset, split='train'))
# tools/test.py: the pretext loss on the validation split
test_dataloader = dict(
    batch_size=batch_size, dataset=dict(dataset, split='val'))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
