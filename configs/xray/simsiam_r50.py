# Entry point: SimSiam ResNet-50 X-ray pretraining.
#   python tools/train.py configs/xray/simsiam_r50.py
_base_ = './simsiam_r50_8xb32-sgd-coslr-100e_xray-224px.py'
