# A detector for your own Pascal VOC folder, with no config to write: the
# model zoo's CPU recipe for NEU-DET (mmdet's RTMDet-tiny at 192 px, scale
# jitter + flips, 20 epochs of AdamW + cosine, EMA weights), from scratch.
#   DIR/JPEGImages/<id>.jpg                 (or .png, .bmp, .tif)
#   DIR/Annotations/<id>.xml                VOC boxes, 1-based pixels
#   DIR/ImageSets/Main/train.txt, val.txt   image ids, one a line
#   DIR/ImageSets/Main/test.txt             for tools/test.py only
# The classes are the sorted <object><name>s of the training XML files:
# tools/train.py fills num_classes from them and gives val / test the same
# classes (an unknown name there is an error; the checkpoint saves the
# names). An XML without objects is a defect-free image (left out of
# training, kept for evaluation). Evaluation: VOC mAP50 and COCO AP.
#   python tools/train.py configs/own_data/rtmdet_cspnext-tiny_1xb8-adamw-20e_voc-folder-192px.py --data-root DIR
#   python tools/test.py  configs/own_data/rtmdet_cspnext-tiny_1xb8-adamw-20e_voc-folder-192px.py work_dirs/rtmdet_cspnext-tiny_1xb8-adamw-20e_voc-folder-192px/epoch_20.pth --data-root DIR
# Images larger than 192 px with small defects: raise img_scale below.
# Random initialisation. Pretrained weights: --cfg-options load_from=CKPT
# (whole model, or a CSPNeXt-tiny classifier: its backbone.* keys load),
# e.g. load_from=zoo://ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px
# (the zoo's NEU-CLS classifier), or a backbone alone:
# model.backbone.init_cfg.type=Pretrained model.backbone.init_cfg.prefix=backbone. model.backbone.init_cfg.checkpoint=CKPT
_base_ = '../neu_det/rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-20e_neu-det-192px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_voc/'  # --data-root DIR
num_classes = 'from_data'  # filled by tools/train.py / test.py
# -----------------------------------------------------------------------------
# the zoo's NEU-DET recipe from random init (no NEU backbone, nothing
# frozen) with RTMDet's NMS IoU (0.4 was chosen on NEU-DET)
model = dict(
    backbone=dict(frozen_stages=-1, init_cfg=None),
    bbox_head=dict(num_classes=num_classes),
    test_cfg=dict(nms=dict(iou_threshold=0.6)))
dataset = dict(
    type='VOCDetDataset',
    data_root=data_root,
    img_subdir='JPEGImages',
    ann_subdir='Annotations',
    metainfo=dict(classes=None))  # None: the <name>s of the training XMLs
train_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        ann_file='ImageSets/Main/train.txt',
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        ann_file='ImageSets/Main/val.txt',
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        ann_file='ImageSets/Main/test.txt',
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(_delete_=True, type='XRayDetMetric')
test_evaluator = val_evaluator
