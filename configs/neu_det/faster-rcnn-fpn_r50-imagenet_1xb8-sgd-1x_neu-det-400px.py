# Faster R-CNN R50-FPN on NEU-DET (6 classes, 200 px images shown at 400 px),
# mmdet's model and 1x schedule, ImageNet-initialised backbone (mmdet's
# torchvision://resnet50). Full recipe; the zoo's CPU-sized detector is
# rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-20e_neu-det-192px.py.
#   python tools/train.py configs/neu_det/faster-rcnn-fpn_r50-imagenet_1xb8-sgd-1x_neu-det-400px.py
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py',
    '../_base_/datasets/neu_det.py',
    '../_base_/schedules/det_sgd_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
num_classes = 6
# data_root / img_scale / batch size: configs/_base_/datasets/neu_det.py;
# lr 0.02 is for 16 images per batch: add --auto-scale-lr for other sizes.
# -----------------------------------------------------------------------------
model = dict(roi_head=dict(bbox_head=dict(num_classes=num_classes)))
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(save_best='pascal_voc/mAP', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
