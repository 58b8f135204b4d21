# The native-resolution CPU recipe: the ResNet-18 from SimCLR on native-scale
# crops of the unlabelled non-test NEU images
# (simclr_resnet18_1xb64-40e_neu-unlabelled-native96px.py), then SCL +
# ArcMargin on the k images per class with the original = the whole 200 px
# image and the two random views = native-scale 96 px crops; gallery and test
# images whole, at 200 px. Adam lr 1e-4 (Table I's 5e-4 is for an ImageNet
# start; from the SimCLR start it collapses on some draws, README).
#   python tools/train.py configs/scl_arcmargin/simclr_resnet18_1xb64-40e_neu-unlabelled-native96px.py \
#       --work-dir work_dirs/simclr_neu_native
#   python tools/train.py <this config>
_base_ = ['./scl-arcmargin_resnet18_simclr-neu_1xb32-adam-30e_neu-20shot-96px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
crop_size = 96
crop_ratio_range = (0.1, 0.4)    # crop area / image area, as in the SimCLR
lr = 1e-4
pretrained = 'work_dirs/simclr_neu_native/epoch_40.pth'
# -----------------------------------------------------------------------------
model = dict(init_cfg=dict(checkpoint=pretrained))
random_view = [
    dict(type='mmpretrain.RandomResizedCrop', scale=crop_size,
         crop_ratio_range=crop_ratio_range),
    dict(type='RandomRot90'),
    dict(type='mmpretrain.RandomFlip', prob=[0.25, 0.25],
         direction=['horizontal', 'vertical']),
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.MultiView', num_views=[1, 2],
         transforms=[[], random_view]),      # the original: the whole image
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='LoadImageChecked'),
                 dict(type='mmpretrain.PackInputs')]
train_dataloader = dict(dataset=dict(
    k=k_per_class, seed=subset_seed,
    dataset=dict(data_root=data_root, pipeline=train_pipeline)))
gallery_dataloader = dict(dataset=dict(
    k=k_per_class, seed=subset_seed,
    dataset=dict(data_root=data_root, pipeline=test_pipeline)))
test_dataloader = dict(dataset=dict(data_root=data_root,
                                    pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
