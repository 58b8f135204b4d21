# Benchmark (--init random-frozen): the VGG19 baseline on the same frozen
# random (Kaiming) VGG19 base as
# ./mvgg19_vgg19-random_1xb32-adam-8e_magnetic-tile-96px.py.
_base_ = './ce_vgg19-conv5-3-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py'
model = dict(
    backbone=dict(
        norm_cfg=None,
        init_cfg=dict(type='Kaiming', layer='Conv2d', _delete_=True)))
