# Scheme (b): classic augmentation (random resized crop, flips, 90-degree
# rotations, brightness / contrast jitter) on the originals.
_base_ = ['./ce_r18-w16_1xb32-adam-10e_magnetic-tile-binary-64px.py']
img_size = 64
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageChecked'),
        dict(
            type='mmpretrain.RandomResizedCrop',
            scale=img_size,
            crop_ratio_range=(0.6, 1.0)),
        dict(
            type='mmpretrain.RandomFlip',
            prob=0.5,
            direction=['horizontal', 'vertical']),
        dict(type='RandomRot90'),
        dict(type='mmpretrain.ColorJitter', brightness=0.3, contrast=0.3),
        dict(type='mmpretrain.PackInputs'),
    ]))
