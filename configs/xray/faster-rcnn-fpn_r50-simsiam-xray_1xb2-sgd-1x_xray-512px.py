# Faster R-CNN R50-FPN, backbone from X-ray SimSiam pretraining
# (Intxausti et al. 2024, "ResNet X-ray SimSiam"), synthetic X-ray castings,
# classes critical / minor, mmdet 1x schedule.
_base_ = [
    '../_base_/models/faster-rcnn_r50_fpn_xray.py',
    '../_base_/datasets/xray_det.py',
    '../_base_/schedules/det_sgd_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
# SimSiam checkpoint: either converted by
#   python tools/model_converters/selfsup_to_det.py SSL.pth OUT.pth
# or the raw mmpretrain checkpoint read through the selfsup:// scheme.
ssl_checkpoint = 'selfsup://work_dirs/simsiam_r50/epoch_100.pth'
# data_root / img_scale / batch size / classes: configs/_base_/datasets/
# xray_det.py (override with --cfg-options); lr 0.02 is for 16 images per
# batch: add --auto-scale-lr for other batch sizes.
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')))
default_hooks = dict(
    checkpoint=dict(save_best='det/AP50_voc', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
