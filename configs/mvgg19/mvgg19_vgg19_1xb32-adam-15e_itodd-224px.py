# MVGG19 on the MVTec ITODD 10-object subset (cylinder, planar
# bracket, star, fuse, box, round engine cooler, cap, engine cover, car rim,
# bracket screw); recipe, augmentation and k-fold
# protocol as in ./mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py.
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 10 --seed 0
_base_ = './mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/itodd-10/'
# <object>/*.png  (one folder per object: see README.md)
num_classes = 10
# -----------------------------------------------------------------------------
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes))
# mmpretrain CustomDataset: folder-per-class (sorted folder names are the
# classes; images anywhere below a class folder) or an annotation file.
train_dataloader = dict(
    dataset=dict(type='mmpretrain.CustomDataset', data_root=data_root))
