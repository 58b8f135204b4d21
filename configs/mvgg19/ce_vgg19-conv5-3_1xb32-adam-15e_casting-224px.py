# VGG19 baseline of the MVGG19 paper (Table 2) on Casting (pump impellers):
# block5_conv3 -> global average pooling -> the same 2500-unit head, same
# recipe and data as the MVGG19 config it inherits.
_base_ = './mvgg19_vgg19_1xb32-adam-15e_casting-224px.py'
model = dict(
    backbone=dict(taps=('conv5_3', )),
    neck=dict(type='mmpretrain.GlobalAveragePooling', _delete_=True),
    head=dict(in_channels=512))
