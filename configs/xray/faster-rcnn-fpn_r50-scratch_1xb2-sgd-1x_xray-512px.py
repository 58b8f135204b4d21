# Faster R-CNN R50-FPN from random initialisation (lower bound for the
# pretraining gain), synthetic X-ray castings, mmdet 1x schedule. With no
# pretrained statistics, BN is trained (norm_eval=False) and no stage frozen.
_base_ = ['./faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py']
model = dict(backbone=dict(init_cfg=None, frozen_stages=-1, norm_eval=False))
