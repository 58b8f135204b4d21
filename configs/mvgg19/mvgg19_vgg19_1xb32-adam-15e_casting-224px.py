# MVGG19 on the casting dataset (Kaggle pump impellers, 7,348 images,
# def_front / ok_front); recipe, augmentation and k-fold
# protocol as in ./mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py.
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 10 --seed 0
_base_ = './mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/casting/'
# def_front/*.jpeg  ok_front/*.jpeg  (Kaggle train/ and test/ merged)
num_classes = 2
# -----------------------------------------------------------------------------
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes))
# mmpretrain CustomDataset: folder-per-class (sorted folder names are the
# classes; images anywhere below a class folder) or an annotation file.
train_dataloader = dict(
    dataset=dict(type='mmpretrain.CustomDataset', data_root=data_root))
