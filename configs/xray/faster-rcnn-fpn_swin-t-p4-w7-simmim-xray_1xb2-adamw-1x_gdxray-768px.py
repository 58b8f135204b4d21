# Faster R-CNN Swin-T-FPN from X-ray SimMIM pretraining on GDXray Castings
# (one class "defect"), 12 epochs AdamW. The paper's GDXray rows.
_base_ = [
    '../_base_/models/faster-rcnn_swin-t-p4-w7_fpn_xray.py',
    '../_base_/datasets/gdxray_castings_xray_det.py',
    '../_base_/schedules/det_adamw_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'selfsup://work_dirs/simmim_swin/epoch_100.pth'
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=ssl_checkpoint)),
    roi_head=dict(bbox_head=dict(num_classes=1)))
default_hooks = dict(
    checkpoint=dict(save_best='det/AP50_voc', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
