# Benchmark (--init random-frozen): MVGG19 with a frozen, randomly
# initialised (Kaiming) plain VGG19 conv base -- what the multipath fusion
# does with chance-level features. Otherwise as
# ./mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py.
_base_ = './mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py'
model = dict(
    backbone=dict(
        norm_cfg=None,
        init_cfg=dict(type='Kaiming', layer='Conv2d', _delete_=True)))
