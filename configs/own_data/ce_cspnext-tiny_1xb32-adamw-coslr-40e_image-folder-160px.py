# A classifier for your own images, one sub-folder per class, with no
# config to write: the model zoo's CPU recipe for NEU-CLS (CSPNeXt-tiny
# from scratch, 160 px random resized crops + 90-degree rotations + flips,
# 40 epochs of AdamW + cosine, whole images squashed to 192 px at test).
#   DIR/train/<class>/*.png   training images (png, jpg, bmp, tif, ...)
#   DIR/val/<class>/*.png     validation, every 5 epochs (or --no-validate)
#   DIR/test/<class>/*.png    for tools/test.py only
# Sub-folders of a class folder are read too. The classes are the sorted
# folder names of DIR/train (mmpretrain's CustomDataset rule): tools/train.py
# fills num_classes from them and gives val / test the same classes (their
# folders are matched by name; the checkpoint saves the names).
#   python tools/train.py configs/own_data/ce_cspnext-tiny_1xb32-adamw-coslr-40e_image-folder-160px.py --data-root DIR
#   python tools/test.py  configs/own_data/ce_cspnext-tiny_1xb32-adamw-coslr-40e_image-folder-160px.py work_dirs/ce_cspnext-tiny_1xb32-adamw-coslr-40e_image-folder-160px/epoch_40.pth --data-root DIR
# Random initialisation. Pretrained weights: --cfg-options load_from=CKPT
# (a whole model; a head of another size is skipped with a warning), e.g.
# load_from=zoo://ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px (the
# zoo's NEU-CLS classifier), or a backbone alone:
# model.backbone.init_cfg.type=Pretrained model.backbone.init_cfg.prefix=backbone. model.backbone.init_cfg.checkpoint=CKPT
_base_ = '../resnet/ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/my_defects/'  # --data-root DIR
num_classes = 'from_data'  # filled by tools/train.py / test.py
# -----------------------------------------------------------------------------
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes))
data_preprocessor = dict(num_classes=num_classes)
# the zoo recipe's pipelines and schedule on DIR/{train,val,test}/<class>/
dataset = dict(
    type='ImageFolderClsDataset', data_root=data_root,
    classes=None)  # None: the sorted folder names of DIR/train
train_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        data_prefix='train',
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        data_prefix='val',
        pipeline={{_base_.test_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        dataset,
        _delete_=True,
        data_prefix='test',
        pipeline={{_base_.test_pipeline}}))
