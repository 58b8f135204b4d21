# Stage 0 at native resolution: SimCLR on the unlabelled non-test NEU images
# with 96 px views cut at about the images' own scale (a 63-126 px crop of
# the 200 px image, resized to 96: 0.76-1.5x native) instead of the whole
# image shrunk to 96 px, so the fine crazing / pitting texture survives.
# The fully convolutional backbone then embeds the whole 200 px image at
# test time. Same cost per iteration as the 96 px recipe; 40 epochs.
#   python tools/train.py configs/scl_arcmargin/simclr_r18_1xb64-adamw-40e_neu-unlabelled-native-200px.py
_base_ = ['./simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py']
# ---- frequently modified parameters ----------------------------------------
img_size = 96
crop_ratio_range = (0.1, 0.4)  # crop area / image area (200 px images)
max_epochs = 40
# -----------------------------------------------------------------------------
view_pipeline = [
    dict(
        type='mmpretrain.RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=crop_ratio_range),
    dict(type='RandomRot90'),
    dict(
        type='mmpretrain.RandomFlip',
        prob=[0.25, 0.25],
        direction=['horizontal', 'vertical']),
    dict(
        type='mmpretrain.RandomApply',
        prob=0.8,
        transforms=[
            dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4)
        ]),
]
train_pipeline = [
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.1,
        by_epoch=True,
        begin=0,
        end=2,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 2,
        by_epoch=True,
        begin=2,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
