# Cross-entropy baseline of the native-resolution CPU recipe: identical to
# scl-arcmargin_r18-simclr-neu-native_1xb32-adam-30e_neu-20shot-200px.py
# (the same SimCLR backbone, k images, native-scale 96 px crops, Adam 1e-4,
# 30 epochs; whole 200 px images at test time) with a linear head and
# cross-entropy.
_base_ = [
    './ce_r18-simclr-neu_1xb32-adam-30e_neu-20shot-96px.py',
    '../_base_/datasets/neu_native-scale_views.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
lr = 1e-4
pretrained = 'work_dirs/simclr_neu_native/epoch_40.pth'
# -----------------------------------------------------------------------------
model = dict(init_cfg=dict(checkpoint=pretrained))
train_pipeline = {{_base_.native_crop_pipeline}}
test_pipeline = {{_base_.native_test_pipeline}}
train_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=train_pipeline)))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
