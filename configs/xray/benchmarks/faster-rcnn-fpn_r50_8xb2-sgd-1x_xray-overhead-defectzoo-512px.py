# Plugin-overhead benchmark (benchmarks/plugin_overhead.py), defectzoo side:
# our X-ray Faster R-CNN R50-FPN (2 classes), without its SSL checkpoint
# (the benchmark times train_step, not weights). Its twin
# faster-rcnn-fpn_r50_8xb2-sgd-1x_xray-overhead-mmdet-512px.py is mmdet's own config.
_base_ = '../faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py'
model = dict(backbone=dict(init_cfg=None))
