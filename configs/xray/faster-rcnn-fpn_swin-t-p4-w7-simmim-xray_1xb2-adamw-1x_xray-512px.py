# Faster R-CNN Swin-T-FPN (window 7), backbone from X-ray SimMIM pretraining
# (window 12; the bias tables are resized 12 -> 7 on loading), synthetic
# X-ray castings, classes critical / minor, 12 epochs AdamW (mmdet Swin).
_base_ = [
    '../_base_/models/faster-rcnn_swin-t-p4-w7_fpn_xray.py',
    '../_base_/datasets/xray_det.py',
    '../_base_/schedules/det_adamw_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
# SimMIM checkpoint: converted with
#   python tools/model_converters/selfsup_to_det.py SSL.pth OUT.pth \
#       --window-size 7
# or the raw mmpretrain checkpoint through the selfsup:// scheme.
ssl_checkpoint = 'selfsup://work_dirs/simmim_swin/epoch_100.pth'
# data_root / img_scale / batch size: configs/_base_/datasets/xray_det.py
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=ssl_checkpoint)))
default_hooks = dict(
    checkpoint=dict(save_best='det/AP50_voc', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
