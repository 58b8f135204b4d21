# Benchmark: the VGG19 baseline (block5_conv3 -> GAP -> the same head) with
# the same frozen NEU-trained VGG19-BN base, data, folds and budget as
# ./mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py.
_base_ = './mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py'
model = dict(
    backbone=dict(taps=('conv5_3', )),
    neck=dict(type='mmpretrain.GlobalAveragePooling', _delete_=True),
    head=dict(in_channels=512))
