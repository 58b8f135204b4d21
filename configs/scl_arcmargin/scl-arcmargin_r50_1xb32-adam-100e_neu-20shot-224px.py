# SCL + ArcMargin, ResNet-50, NEU small data, 20 images per class (the
# paper's setting: Table I; 98.83 % mean of 10 runs with ImageNet weights).
#   python tools/train.py configs/scl_arcmargin/scl-arcmargin_r50_1xb32-adam-100e_neu-20shot-224px.py
#   python tools/test.py  <same config> work_dirs/<config>/epoch_100.pth
# The mean of 10 draws (tools/analysis_tools/small_data.py):
#   python tools/analysis_tools/small_data.py <config> --k 10 20 50 --seeds 0 1 2 3 4 5 6 7 8 9
_base_ = [
    '../_base_/datasets/neu_cls_small-data_3view.py',
    '../_base_/models/scl-arcmargin_resnet50.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
k_per_class = 20
subset_seed = 0
# Backbone + projector weights: an mmpretrain checkpoint path or URL, e.g.
# ImageNet ResNet-50, or a defectzoo self-supervised checkpoint
# (configs/scl_arcmargin/README.md). None: random initialisation.
pretrained = None
# -----------------------------------------------------------------------------
model = dict(
    init_cfg=dict(type='Pretrained', checkpoint=pretrained
                  ) if pretrained else None)
train_dataloader = dict(
    dataset=dict(
        k=k_per_class, seed=subset_seed, dataset=dict(data_root=data_root)))
gallery_dataloader = dict(
    dataset=dict(
        k=k_per_class, seed=subset_seed, dataset=dict(data_root=data_root)))
test_dataloader = dict(dataset=dict(data_root=data_root))
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ReferenceGalleryHook', dataloader='gallery_dataloader'),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=25, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
