# A detector for your own COCO folder, with no config to write: the VOC
# folder config next to this one (RTMDet-tiny at 192 px, the zoo's NEU-DET
# CPU recipe, from scratch) reading COCO JSON instead.
#   DIR/images/*.jpg                        file_name of the JSON images
#   DIR/annotations/train.json, val.json    COCO boxes
#   DIR/annotations/test.json               for tools/test.py only
# The classes are the categories of train.json, in id order: tools/train.py
# fills num_classes from them and gives val / test the same classes (by
# name; the checkpoint saves the names). Images without boxes are left out
# of training and kept for evaluation. Evaluation: VOC mAP50 and COCO AP
# (pycocotools on val.json / test.json).
#   python tools/train.py configs/own_data/rtmdet_cspnext-tiny_1xb8-adamw-20e_coco-folder-192px.py --data-root DIR
#   python tools/test.py  configs/own_data/rtmdet_cspnext-tiny_1xb8-adamw-20e_coco-folder-192px.py work_dirs/rtmdet_cspnext-tiny_1xb8-adamw-20e_coco-folder-192px/epoch_20.pth --data-root DIR
# Pretrained weights: as in the VOC config (--cfg-options load_from=CKPT).
_base_ = ['./rtmdet_cspnext-tiny_1xb8-adamw-20e_voc-folder-192px.py']
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_coco/'  # --data-root DIR
img_prefix = 'images/'
train_ann = 'annotations/train.json'
val_ann = 'annotations/val.json'
test_ann = 'annotations/test.json'
# -----------------------------------------------------------------------------
coco = dict(
    type='CocoDetDataset',
    data_root=data_root,
    data_prefix=dict(img=img_prefix),
    metainfo=dict(classes=None))  # None: the JSON file's categories
train_dataloader = dict(
    dataset=dict(
        coco,
        _delete_=True,  # not the VOC dataset's keys
        ann_file=train_ann,
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        coco,
        _delete_=True,  # not the VOC dataset's keys
        ann_file=val_ann,
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        coco,
        _delete_=True,  # not the VOC dataset's keys
        ann_file=test_ann,
        test_mode=True,
        pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(ann_file=data_root + val_ann)
test_evaluator = dict(ann_file=data_root + test_ann)
