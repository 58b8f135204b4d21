# MVGG19 on ELPV solar cells (2,624 images, 300x300; defect if the
# defect probability > 0); recipe, augmentation and k-fold
# protocol as in ./mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py.
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 10 --seed 0
_base_ = './mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/elpv/'
# images/cell*.png + the 2-class list:
# awk '{print $1, ($2 > 0)}' labels.csv > elpv_2cls.txt
ann_file = 'elpv_2cls.txt'
num_classes = 2
# -----------------------------------------------------------------------------
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes))
# mmpretrain CustomDataset: folder-per-class (sorted folder names are the
# classes; images anywhere below a class folder) or an annotation file.
train_dataloader = dict(
    dataset=dict(
        type='mmpretrain.CustomDataset',
        data_root=data_root,
        ann_file=ann_file,
        metainfo=dict(classes=('ok', 'defect'))))
