# Scheme (c), step 1: pretrain on synthetic defects (as the defect class)
# and the real defect-free training images (the generator makes defects
# only); step 2 fine-tunes on the originals with the scheme (a) config and
# ``load_from`` this checkpoint. The real defect images are not used here.
# ---- frequently modified parameters ----------------------------------------
synthetic_root = 'work_dirs/magna_defect_gan/synthetic/'
max_epochs = 3
# -----------------------------------------------------------------------------
_base_ = ['./ce_r18-w16_1xb32-adam-10e_magnetic-tile-binary-64px.py']
real_free = dict(
    type='MagneticTileClsDataset',
    data_root={{_base_.data_root}},
    split='train',
    split_seed={{_base_.split_seed}},
    metainfo=dict(classes=('Free', )),  # label 0 = free
    pipeline={{_base_.train_pipeline}})
synthetic = dict(
    type='ImageFolderClsDataset',
    data_root=synthetic_root,
    data_prefix='',
    ann_file='labels_binary.txt',
    metainfo=dict(classes=('free', 'defect')),
    pipeline={{_base_.train_pipeline}})
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[real_free, synthetic],
        ignore_keys=['classes']))
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
