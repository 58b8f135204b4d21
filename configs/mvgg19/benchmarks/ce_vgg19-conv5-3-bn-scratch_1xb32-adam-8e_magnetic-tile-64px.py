# Benchmark (--init scratch): the VGG19 baseline trained end to end from
# scratch, as ./mvgg19_vgg19-bn-scratch_1xb32-adam-8e_magnetic-tile-64px.py.
_base_ = './mvgg19_vgg19-bn-scratch_1xb32-adam-8e_magnetic-tile-64px.py'
model = dict(
    backbone=dict(taps=('conv5_3', )),
    neck=dict(type='mmpretrain.GlobalAveragePooling', _delete_=True),
    head=dict(in_channels=512))
