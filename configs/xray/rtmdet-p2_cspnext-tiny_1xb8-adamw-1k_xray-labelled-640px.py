# Upper bound of the superimposed-defect recipe: the same detector and
# schedule trained on the synthetic castings' own labelled defects (the
# defect model the test set is drawn from; no domain gap).
_base_ = './rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px.py'
train_pipeline = [
    dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmseg.CLAHE', clip_limit=4.0, tile_grid_size=(8, 8)),
    dict(
        type='mmdet.RandomCrop',
        crop_size=(256, 256),
        allow_negative_crop=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.5,
        direction=['horizontal', 'vertical']),
    dict(type='RandomRot90'),
    dict(type='mmdet.PackDetInputs'),
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SyntheticXRayDetDataset',
        data_root={{_base_.data_root}},
        split='train',
        synthetic={{_base_.synthetic}},
        metainfo=dict(classes=('defect', )),
        pipeline=train_pipeline))
