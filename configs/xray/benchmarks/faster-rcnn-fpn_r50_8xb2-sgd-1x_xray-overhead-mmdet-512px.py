# Plugin-overhead benchmark (benchmarks/plugin_overhead.py), stock side:
# mmdet's own Faster R-CNN R50-FPN 1x config (default_scope='mmdet', no
# defectzoo module) with the 2 classes of our X-ray config and no
# ImageNet checkpoint (the benchmark times train_step, not weights).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
# ---- frequently modified parameters ----------------------------------------
num_classes = 2
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(init_cfg=None),
    roi_head=dict(bbox_head=dict(num_classes=num_classes)))
