"""benchmarks/plugin_overhead.py compares one model: each defectzoo config
and its stock twin build the same network, and the fixed batches are what
the models' data preprocessors take."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

from tests.unit.test_benchmarks.test_benchmark_options import load


@pytest.fixture(scope='module')
def bench():
    return load('plugin_overhead')


def _model(path):
    cfg = Config.fromfile(path)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model_cfg = cfg.model.copy()
        model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
        return cfg.default_scope, MODELS.build(model_cfg)


@pytest.mark.parametrize('name',
                         ['SimMIM Swin-T (w12)', 'Faster R-CNN R50-FPN'])
def test_twins_build_one_network(bench, name):
    _, ours_cfg, stock_cfg = bench.PAIRS[name]
    scope, ours = _model(osp.join(bench.BENCH, ours_cfg))
    stock_scope, stock = _model(osp.join(bench.BENCH, stock_cfg))
    assert (scope, stock_scope) in (('defectzoo', 'mmpretrain'), ('defectzoo',
                                                                  'mmdet'))
    ours_shapes = {k: v.shape for k, v in ours.state_dict().items()}
    stock_shapes = {k: v.shape for k, v in stock.state_dict().items()}
    assert ours_shapes == stock_shapes
    assert type(ours.data_preprocessor) is type(stock.data_preprocessor)


def test_batches(bench):
    simmim = bench.simmim_batch(2)
    # stacked as the SimMIM dataloaders' default_collate does
    assert simmim['inputs'].shape == (2, 3, 192, 192)
    assert simmim['data_samples'][0].mask.shape == (48, 48)
    det = bench.det_batch(2, 64)
    assert [tuple(x.shape) for x in det['inputs']] == [(3, 64, 64)] * 2
    boxes = det['data_samples'][0].gt_instances.bboxes
    assert boxes.shape == (3, 4) and (boxes[:, 2:] > boxes[:, :2]).all()
    assert torch.equal(bench.det_batch(2, 64)['inputs'][1], det['inputs'][1])
