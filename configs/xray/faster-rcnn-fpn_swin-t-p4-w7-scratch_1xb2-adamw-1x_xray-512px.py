# Faster R-CNN Swin-T-FPN from random initialisation, synthetic X-ray
# castings, 12 epochs AdamW.
_base_ = [
    './faster-rcnn-fpn_swin-t-p4-w7-simmim-xray_1xb2-adamw-1x_xray-512px.py'
]
model = dict(backbone=dict(init_cfg=None))
