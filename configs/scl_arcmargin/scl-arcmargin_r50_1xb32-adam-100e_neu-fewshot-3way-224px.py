# NEU few-shot (the paper's Table): SCL + ArcMargin trained on the three
# base classes (patches, inclusion, rolled-in scale: 900 images), tested by
# 3-way K-shot episodes on the novel classes (crazing, scratches, pitted
# surface): support images are the references, queries are classified by
# the highest mean cosine similarity. 600 seeded episodes, support never
# among the queries, mean +- 95 % CI. Paper: 82.16 / 84.53 / 86.29 % (1/3/5).
#   python tools/train.py <this config>
#   python tools/analysis_tools/few_shot_eval.py <this config> work_dirs/<config>/epoch_100.pth \
#       --ways 3 --shots 1 3 5 --episodes 600
_base_ = [
    '../_base_/datasets/neu_cls_small-data_3view.py',
    '../_base_/models/scl-arcmargin_resnet50.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
# ---- frequently modified parameters ----------------------------------------
data_root = 'data/neu-det/'
base_classes = ('inclusion', 'patches', 'rolled-in_scale')
novel_classes = ('crazing', 'pitted_surface', 'scratches')
train_split = None  # every base-class image; 'train' = the 80 % side
test_split = None  # every novel-class image; 'test' = the 20 % side
pretrained = None
# -----------------------------------------------------------------------------
# predict() gives the embedding the episodes use; the ArcFace weights of the
# base classes give its (unused) class scores, so no gallery is needed.
model = dict(
    head=dict(num_classes=len(base_classes)),
    classifier='arcface',
    init_cfg=dict(type='Pretrained', checkpoint=pretrained)
    if pretrained else None)
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='NEUClsDataset',
        data_root=data_root,
        metainfo=dict(classes=base_classes),
        split=train_split,
        split_ratios=(0.8, 0.0, 0.2),
        split_seed=0,
        pipeline={{_base_.train_pipeline}}))
test_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        metainfo=dict(classes=novel_classes),
        split=test_split))
gallery_dataloader = None
test_evaluator = dict(
    _delete_=True,
    type='FewShotEpisodeMetric',
    num_ways=3,
    num_shots=(1, 3, 5),
    num_queries=15,
    num_episodes=600,
    seed=0)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=25, max_keep_ckpts=1),
    visualization=dict(type='mmpretrain.VisualizationHook'))
# tools/test.py --show / --show-dir draw with mmpretrain's visualiser
visualizer = dict(type='mmpretrain.UniversalVisualizer')
