# RetinaNet R50-FPN on NEU-DET (6 classes, 200 px images shown at 400 px),
# mmdet's model and 1x schedule (lr 0.01 for 16 images, as mmdet's
# retinanet_r50_fpn_1x_coco), ImageNet-initialised backbone.
#   python tools/train.py configs/neu_det/retinanet-fpn_r50-imagenet_1xb8-sgd-1x_neu-det-400px.py
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    '../_base_/datasets/neu_det.py',
    '../_base_/schedules/det_sgd_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
num_classes = 6
lr = 0.01
# -----------------------------------------------------------------------------
model = dict(bbox_head=dict(num_classes=num_classes))
optim_wrapper = dict(
    optimizer=dict(lr=lr), clip_grad=dict(max_norm=35, norm_type=2))
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(save_best='pascal_voc/mAP', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
