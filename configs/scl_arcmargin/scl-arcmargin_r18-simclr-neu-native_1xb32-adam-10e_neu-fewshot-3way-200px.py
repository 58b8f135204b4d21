# Few-shot part of the native-resolution CPU recipe: the ResNet-18 from
# SimCLR on native-scale crops of the unlabelled non-test NEU images, SCL +
# ArcMargin on the base classes' 80 % side for 10 epochs (the whole 200 px
# image + two native-scale 96 px crops, Adam 1e-4); 3-way episodes on the
# novel classes' 20 % side, whole images.
_base_ = [
    './scl-arcmargin_r18-simclr-neu_1xb32-adam-10e_neu-fewshot-3way-96px.py',
    '../_base_/datasets/neu_native-scale_views.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
train_split = 'train'
test_split = 'test'
lr = 1e-4
pretrained = 'work_dirs/simclr_neu_native/epoch_40.pth'
# -----------------------------------------------------------------------------
model = dict(init_cfg=dict(checkpoint=pretrained))
train_pipeline = {{_base_.native_3view_pipeline}}
test_pipeline = {{_base_.native_test_pipeline}}
train_dataloader = dict(
    dataset=dict(
        data_root=data_root, split=train_split, pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(
        data_root=data_root, split=test_split, pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
