# The superimposed-defect detector with its backbone from SimSiam on the
# same good radiographs (Intxausti et al. 2024 + Mery 2021). Only the init
# differs from ./rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px.py.
#   python tools/train.py configs/xray/simsiam_cspnext-tiny_1xb32-sgd-coslr-40e_xray-good-96px.py
#   python tools/train.py configs/xray/rtmdet-p2_cspnext-tiny-simsiam-xray_1xb8-adamw-1k_xray-superimposed-640px.py
_base_ = './rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px.py'
# the raw mmpretrain checkpoint, converted on loading (selfsup:// scheme)
ssl_checkpoint = ('selfsup://work_dirs/simsiam_cspnext-tiny_1xb32-sgd-coslr-'
                  '40e_xray-good-96px/epoch_40.pth')
model = dict(
    backbone=dict(
        init_cfg=dict(
            _delete_=True,
            type='Pretrained',
            checkpoint=ssl_checkpoint,
            prefix='backbone.')))
