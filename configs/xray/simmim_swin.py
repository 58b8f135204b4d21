# Entry point: SimMIM Swin-T (window 12) X-ray pretraining.
#   python tools/train.py configs/xray/simmim_swin.py
# Swin-B: configs/xray/simmim_swin-b-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py
_base_ = './simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py'
