"""The superimposed-defect X-ray recipe: SimSiam CSPNeXt-tiny -> RTMDet-P2
on defects superimposed on good radiographs; trains, tests, and the SSL
weights reach the detector's backbone."""
import os.path as osp

import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config

XRAY = osp.join(CONFIGS, 'xray')
DET = osp.join(
    XRAY, 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px.py')
DET_SSL = osp.join(
    XRAY, 'rtmdet-p2_cspnext-tiny-simsiam-xray_1xb8-adamw-1k_xray-'
    'superimposed-640px.py')
UPPER = osp.join(
    XRAY, 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-labelled-640px.py')
SSL = osp.join(XRAY,
               'simsiam_cspnext-tiny_1xb32-sgd-coslr-40e_xray-good-96px.py')
TINY = dict(
    num_unlabelled=4,
    unlabelled_defects=(0, 0),
    num_train=2,
    num_val=2,
    img_size=128,
    seed=0,
    bit_depth=8,
    single_class=True,
    max_defect_size=24)


def _tiny(path, root, work_dir, iters=4):
    cfg = load_config(path)
    cfg.work_dir = str(work_dir)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds = cfg[loader].dataset
        ds.data_root, ds.synthetic = root, TINY
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.train_dataloader.batch_size = 2
    for t in cfg.train_dataloader.dataset.pipeline:
        if t.type == 'mmdet.RandomCrop':
            t.crop_size = (96, 96)
        if t.type == 'SuperimposeEllipsoidDefects':
            t.size_range = (4, 16)
    for ev in ('val_evaluator', 'test_evaluator'):
        cfg[ev].ann_file = root + 'annotations/val.json'
    cfg.train_cfg.max_iters, cfg.train_cfg.val_interval = iters, iters
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0)]
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, interval=iters)
    cfg.default_hooks.logger.interval = 1
    return cfg


def test_configs_share_one_detector():
    det, ssl, upper = (load_config(p) for p in (DET, DET_SSL, UPPER))
    assert det.model.backbone.init_cfg is None
    assert ssl.model.backbone.init_cfg.checkpoint.startswith('selfsup://')
    assert det.model.bbox_head.anchor_generator.strides == [4, 8, 16]
    assert det.model.train_cfg.assigner.type == \
        'defectzoo.IgnoreRegionAssigner'
    kinds = [t.type for t in det.train_dataloader.dataset.pipeline]
    assert kinds[:3] == [
        'LoadXRayImage', 'mmdet.LoadAnnotations', 'SuperimposeEllipsoidDefects'
    ]
    assert upper.train_dataloader.dataset.type == 'SyntheticXRayDetDataset'
    for cfg in (ssl, upper):
        assert cfg.train_cfg == det.train_cfg
        assert cfg.optim_wrapper == det.optim_wrapper
    assert load_config(SSL).train_dataloader.dataset.get(
        'split', 'unlabelled') == 'unlabelled'


def test_train_on_superimposed_defects_then_test(tmp_path):
    from defectzoo.datasets.synthetic import generate_synthetic_xray
    root = str(tmp_path / 'data') + '/'
    generate_synthetic_xray(root, **TINY)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        runner = Runner.from_cfg(_tiny(DET, root, tmp_path / 'work'))
        runner.train()
        metrics = runner.test()
    assert 0 <= metrics['det/AP50_voc'] <= 1
    assert 'det/recall_defect' in metrics
    assert osp.isfile(tmp_path / 'work' / 'iter_4.pth')


def test_simsiam_weights_reach_the_detector_backbone(tmp_path):
    from defectzoo.registry import MODELS
    with DefaultScope.overwrite_default_scope('defectzoo'):
        ssl = MODELS.build(load_config(SSL).model)
        ckpt = str(tmp_path / 'ssl.pth')
        torch.save(dict(state_dict=ssl.state_dict(), meta=dict()), ckpt)
        cfg = load_config(DET_SSL)
        cfg.model.backbone.init_cfg.checkpoint = f'selfsup://{ckpt}'
        det = MODELS.build(cfg.model)
        det.init_weights()
    src = ssl.backbone.state_dict()
    for key, value in det.backbone.state_dict().items():
        assert torch.equal(value, src[key]), key


@pytest.mark.parametrize('path', [DET, DET_SSL, UPPER], ids=osp.basename)
def test_detector_finds_a_4px_pore_prior(path):
    cfg = load_config(path)
    # stride-4 level: a 4-px pore covers one prior point
    assert min(cfg.model.bbox_head.anchor_generator.strides) == 4
    assert cfg.test_pipeline[2] == dict(
        type='mmdet.Resize', scale_factor=1.0, keep_ratio=True)
