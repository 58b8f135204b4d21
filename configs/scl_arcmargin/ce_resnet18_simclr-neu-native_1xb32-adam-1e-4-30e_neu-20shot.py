# Cross-entropy baseline of the native-resolution CPU recipe: identical to
# scl-arcmargin_resnet18_simclr-neu-native_1xb32-adam-1e-4-30e_neu-20shot.py
# (the same SimCLR backbone, k images, native-scale 96 px crops, Adam 1e-4,
# 30 epochs; whole 200 px images at test time) with a linear head and
# cross-entropy.
_base_ = ['./ce_resnet18_simclr-neu_1xb32-adam-30e_neu-20shot-96px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
crop_size = 96
crop_ratio_range = (0.1, 0.4)
lr = 1e-4
pretrained = 'work_dirs/simclr_neu_native/epoch_40.pth'
# -----------------------------------------------------------------------------
model = dict(init_cfg=dict(checkpoint=pretrained))
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.RandomResizedCrop', scale=crop_size,
         crop_ratio_range=crop_ratio_range),
    dict(type='RandomRot90'),
    dict(type='mmpretrain.RandomFlip', prob=[0.25, 0.25],
         direction=['horizontal', 'vertical']),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='LoadImageChecked'),
                 dict(type='mmpretrain.PackInputs')]
train_dataloader = dict(dataset=dict(
    k=k_per_class, seed=subset_seed,
    dataset=dict(data_root=data_root, pipeline=train_pipeline)))
test_dataloader = dict(dataset=dict(data_root=data_root,
                                    pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
