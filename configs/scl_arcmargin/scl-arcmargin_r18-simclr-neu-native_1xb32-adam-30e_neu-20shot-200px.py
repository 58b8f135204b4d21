# The native-resolution CPU recipe: the ResNet-18 from SimCLR on native-scale
# crops of the unlabelled non-test NEU images
# (simclr_r18_1xb64-adamw-40e_neu-unlabelled-native-200px.py), then SCL +
# ArcMargin on the k images per class with the original = the whole 200 px
# image and the two random views = native-scale 96 px crops; gallery and test
# images whole, at 200 px. Adam lr 1e-4 (Table I's 5e-4 is for an ImageNet
# start; from the SimCLR start it collapses on some draws, README).
#   python tools/train.py configs/scl_arcmargin/simclr_r18_1xb64-adamw-40e_neu-unlabelled-native-200px.py \
#       --work-dir work_dirs/simclr_neu_native
#   python tools/train.py <this config>
_base_ = [
    './scl-arcmargin_r18-simclr-neu_1xb32-adam-30e_neu-20shot-96px.py',
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
train_pipeline = {{_base_.native_3view_pipeline}}
test_pipeline = {{_base_.native_test_pipeline}}
train_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=train_pipeline)))
gallery_dataloader = dict(
    dataset=dict(
        k=k_per_class,
        seed=subset_seed,
        dataset=dict(data_root=data_root, pipeline=test_pipeline)))
test_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
