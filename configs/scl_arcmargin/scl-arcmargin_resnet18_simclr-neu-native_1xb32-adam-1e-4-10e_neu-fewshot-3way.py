# Few-shot part of the native-resolution CPU recipe: the ResNet-18 from
# SimCLR on native-scale crops of the unlabelled non-test NEU images, SCL +
# ArcMargin on the base classes' 80 % side for 10 epochs (the whole 200 px
# image + two native-scale 96 px crops, Adam 1e-4); 3-way episodes on the
# novel classes' 20 % side, whole images.
_base_ = ['./scl-arcmargin_resnet18_simclr-neu_1xb32-adam-10e_neu-fewshot-3way-96px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
train_split = 'train'
test_split = 'test'
crop_size = 96
crop_ratio_range = (0.1, 0.4)
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
train_dataloader = dict(dataset=dict(data_root=data_root, split=train_split,
                                     pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(data_root=data_root, split=test_split,
                                    pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=lr))
