# MVGG19 on SDNET2018 bridge-deck / wall / pavement cracks, 2
# classes; recipe, augmentation and k-fold
# protocol as in ./mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py.
#   python tools/analysis_tools/kfold.py THIS_CONFIG --folds 10 --seed 0
_base_ = './mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/sdnet2018-2cls/'
# cracked/{CD,CP,CW}/  uncracked/{UD,UP,UW}/  (links to SDNET2018 folders)
num_classes = 2
# -----------------------------------------------------------------------------
model = dict(
    data_preprocessor=dict(num_classes=num_classes),
    head=dict(num_classes=num_classes))
# mmpretrain CustomDataset: folder-per-class (sorted folder names are the
# classes; images anywhere below a class folder) or an annotation file.
train_dataloader = dict(
    dataset=dict(type='mmpretrain.CustomDataset', data_root=data_root))
