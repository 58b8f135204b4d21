"""Every config parses, is a proper plugin config and builds its model."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmengine.registry import DefaultScope, init_default_scope

from defectzoo.registry import MODELS
from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config


def _is_stock_twin(path):
    """A benchmark twin that inherits a library's own config (e.g.
    ``_base_ = 'mmdet::faster_rcnn/...'``): the stock side of a comparison,
    with that library's scope and nothing of defectzoo."""
    with open(path) as f:
        return re.search(r"^_base_ = '(mmdet|mmpretrain|mmseg)::", f.read(),
                         re.M) is not None


CANDIDATES = sorted(
    p for p in glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True)
    if '_base_' not in p)
STOCK_TWINS = [p for p in CANDIDATES if _is_stock_twin(p)]
ALL_CONFIGS = [p for p in CANDIDATES if p not in STOCK_TWINS]


def test_configs_found():
    assert osp.join(CONFIGS, 'xray', 'simmim_swin.py') in ALL_CONFIGS
    assert osp.join(CONFIGS, 'xray', 'simsiam_r50.py') in ALL_CONFIGS


@pytest.mark.parametrize(
    'path', ALL_CONFIGS, ids=[osp.relpath(p, CONFIGS) for p in ALL_CONFIGS])
def test_config_is_a_plugin_config(path):
    cfg = load_config(path)
    assert cfg.default_scope == 'defectzoo'
    assert cfg.custom_imports == dict(
        imports=['defectzoo'], allow_failed_imports=False)
    # fail loud, lose nothing: every run stops at a non-finite loss, resumes
    # bit for bit and refuses checkpoints that do not fit its model
    hooks = [h['type'] for h in cfg.custom_hooks]
    for hook in ('RandomStateHook', 'CheckFiniteHook', 'CheckpointFitHook'):
        assert hook in hooks, hook
    # SimSiam pretraining (not configs that only load its weights) keeps
    # its predictor-lr hook
    if cfg.model.type.endswith('SimSiamWithEval'):
        assert 'mmpretrain.SimSiamHook' in hooks


@pytest.mark.parametrize(
    'path', STOCK_TWINS, ids=[osp.relpath(p, CONFIGS) for p in STOCK_TWINS])
def test_stock_twin_has_nothing_of_defectzoo(path):
    assert '/benchmarks/' in path
    cfg = load_config(path)
    assert cfg.default_scope in ('mmdet', 'mmpretrain', 'mmseg')
    assert 'defectzoo' not in cfg.pretty_text


def _pipelines(obj):
    """Every ``pipeline`` / ``transforms`` list anywhere in a config."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ('pipeline', 'transforms') and isinstance(value, list):
                yield value
            yield from _pipelines(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _pipelines(value)


@pytest.mark.parametrize(
    'path', ALL_CONFIGS, ids=[osp.relpath(p, CONFIGS) for p in ALL_CONFIGS])
def test_config_pipelines_are_lists_of_transforms(path):
    # a ``*{{_base_.x}}`` in a list silently becomes characters of a string
    for pipeline in _pipelines(load_config(path).to_dict()):
        for step in pipeline:
            assert isinstance(step, (dict, list)), (path, pipeline)


def _build(path):
    cfg = load_config(path)
    init_default_scope('defectzoo')
    model_cfg = cfg.model.copy()
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    return cfg, MODELS.build(model_cfg)


@pytest.mark.parametrize('name, arch_dims', [
    ('simmim_swin.py', 96 * 8),
    ('simmim_swin-b-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py', 128 * 8),
])
def test_simmim_configs_follow_the_paper(name, arch_dims):
    cfg, model = _build(osp.join(CONFIGS, 'xray', name))
    backbone = model.backbone
    # window 12 in every stage, 192 px input, mask patch 32, ratio 0.6
    assert all(block.attn.w_msa.window_size == (12, 12)
               for stage in backbone.stages for block in stage.blocks)
    assert model.neck.decoder[0].in_channels == arch_dims
    mask_gen = [
        t for t in cfg.train_dataloader.dataset.pipeline
        if t['type'].endswith('SimMIMMaskGenerator')
    ][0]
    assert (mask_gen.input_size, mask_gen.mask_patch_size,
            mask_gen.mask_ratio) == (192, 32, 0.6)
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert cfg.optim_wrapper.clip_grad.max_norm == 5.0
    with torch.no_grad():
        feats = model.extract_feat(torch.zeros(1, 3, 192, 192))
    assert feats[-1].shape[1] == arch_dims
    DefaultScope._instance_dict.pop('defectzoo', None)


def test_simsiam_config_follows_the_paper():
    cfg, model = _build(osp.join(CONFIGS, 'xray', 'simsiam_r50.py'))
    assert model.backbone.depth == 50
    view = cfg.train_dataloader.dataset.pipeline[1].transforms[0]
    kinds = [t['type'].split('.')[-1] for t in view]
    # no hue / saturation / grayscale on single-channel X-ray images
    assert 'RandomGrayscale' not in kinds
    jitter = view[1].transforms[0]
    assert 'hue' not in jitter and 'saturation' not in jitter
    assert cfg.optim_wrapper.optimizer.lr == 0.05
    with torch.no_grad():
        out = model.extract_feat(torch.zeros(2, 3, 64, 64))
    assert out[-1].shape[1] == 2048


#: ``{algorithm}_{backbone}_{NxB}-{schedule}_{data}-{res}.py``
#: (docs/config_naming.md); the two entry points keep their short names.
CONFIG_NAME = re.compile(r'^[a-z0-9-]+_[a-z0-9-]+_\d+xb\d+-[a-z0-9-]+_'
                         r'[a-z0-9-]+-\d+(x\d+)?px\.py$')
ENTRY_POINTS = ('simmim_swin.py', 'simsiam_r50.py')


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=osp.basename)
def test_config_name_follows_the_rule(path):
    name = osp.basename(path)
    assert name in ENTRY_POINTS or CONFIG_NAME.match(name), (
        f'{name} does not follow {{algorithm}}_{{backbone}}_{{NxB}}-'
        '{schedule}_{data}-{res}.py (docs/config_naming.md)')


def _task(cfg):
    model = cfg.model
    kind = model.type.split('.')[-1]
    if model.get('_scope_') == 'mmdet' or model.type.startswith('mmdet.'):
        return 'det'
    return 'cls' if kind.endswith('Classifier') else 'selfsup'


@pytest.mark.parametrize(
    'path', ALL_CONFIGS, ids=[osp.relpath(p, CONFIGS) for p in ALL_CONFIGS])
def test_config_draws_with_its_library_visualizer(path):
    # what mmdet's / mmpretrain's test.py --show-dir (and ours) switch on
    cfg = load_config(path)
    hook = cfg.default_hooks.get('visualization')
    expected = dict(
        det=('mmdet.DetVisualizationHook', 'mmdet.DetLocalVisualizer'),
        cls=('mmpretrain.VisualizationHook', 'mmpretrain.UniversalVisualizer'),
        selfsup=(None, 'Visualizer'))[_task(cfg)]
    assert (hook and hook.type, cfg.visualizer.type) == expected
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]
