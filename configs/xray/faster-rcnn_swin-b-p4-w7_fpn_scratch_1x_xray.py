# Faster R-CNN Swin-B-FPN from random initialisation, synthetic X-ray
# castings, 12 epochs AdamW.
_base_ = ['./faster-rcnn_swin-b-p4-w7_fpn_simmim-xray_1x_xray.py']
model = dict(backbone=dict(init_cfg=None))
