# Benchmark (benchmarks/mvgg19_magnetic_tile.py, --init neu-pretrained):
# MVGG19 on magnetic tile with a frozen VGG19-BN conv base trained on
# NEU-CLS (../ce_vgg19bn_1xb32-adam-12e_neu-cls-96px.py), our stand-in for
# the paper's ImageNet weights; 96 px, 8 epochs, run by the k-fold tool:
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 5 --seed 0 \
#       --cfg-options model.backbone.init_cfg.checkpoint=NEU_CKPT
# Only the BD BatchNorms and the head train, as in the authors' code.
_base_ = '../mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/magnetic-tile/'
neu_checkpoint = 'work_dirs/benchmarks/mvgg19_magnetic_tile_neu-pretrained/' \
    'vgg19bn_neu/epoch_12.pth'     # stage 0 of the benchmark
img_size = 96  # 2 CPU cores: 96 instead of 224
max_epochs = 8
batch_size = 32
num_workers = 2
class_weight = None  # the benchmark's "balanced" run sets it
# -----------------------------------------------------------------------------
# Keras' BN momentum (0.01) is too slow for ~270 steps: 0.1 in the BD paths
# and the head.
model = dict(
    backbone=dict(
        norm_cfg=dict(type='BN'),
        frozen_stages=5,
        init_cfg=dict(
            type='Pretrained', checkpoint=neu_checkpoint, prefix='backbone.')),
    neck=dict(norm_cfg=dict(momentum=0.1)),
    head=dict(
        norm_cfg=dict(momentum=0.1), loss=dict(class_weight=class_weight)))
train_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(
        type='mmpretrain.Rotate',
        magnitude_range=(0, 20),
        magnitude_std='inf',
        prob=1.0,
        interpolation='bilinear'),
    dict(
        type='mmpretrain.Translate',
        magnitude_range=(0, 0.1),
        magnitude_std='inf',
        prob=1.0,
        direction='horizontal'),
    dict(
        type='mmpretrain.Translate',
        magnitude_range=(0, 0.1),
        magnitude_std='inf',
        prob=1.0,
        direction='vertical'),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='vertical'),
    dict(type='mmseg.BioMedicalGaussianNoise', prob=0.5, std=10.0),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', to_float32=True),
    dict(type='mmpretrain.Resize', scale=(img_size, img_size)),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
randomness = dict(seed=0)
