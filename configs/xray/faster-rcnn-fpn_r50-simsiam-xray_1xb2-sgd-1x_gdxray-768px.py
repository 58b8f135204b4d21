# Faster R-CNN R50-FPN from X-ray SimSiam pretraining on GDXray Castings
# (one class "defect"), mmdet 1x schedule. The paper's GDXray rows.
_base_ = [
    '../_base_/models/faster-rcnn_r50_fpn_xray.py',
    '../_base_/datasets/gdxray_castings_xray_det.py',
    '../_base_/schedules/det_sgd_1x.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
ssl_checkpoint = 'selfsup://work_dirs/simsiam_r50/epoch_100.pth'
# data_root / img_scale / batch size: configs/_base_/datasets/
# gdxray_castings_xray_det.py (override with --cfg-options)
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=ssl_checkpoint, prefix='backbone.')),
    roi_head=dict(bbox_head=dict(num_classes=1)))
default_hooks = dict(
    checkpoint=dict(save_best='det/AP50_voc', rule='greater'),
    visualization=dict(type='mmdet.DetVisualizationHook'))
# tools/test.py --show / --show-dir draw with mmdet's visualiser
visualizer = dict(type='mmdet.DetLocalVisualizer')
