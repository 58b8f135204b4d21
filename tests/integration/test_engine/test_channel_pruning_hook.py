"""Channel pruning (torch-pruning) and fine-tuning through the Runner."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from defectzoo.apis import init_model
from defectzoo.cli import test as test_cli
from defectzoo.models.utils import (count_params, fit_to_state_dict,
                                    prune_channels)
from defectzoo.registry import MODELS
from tests.helpers.in_process import run_main
from tests.helpers.lightweight_fixtures import (make_folder_dataset,
                                                tiny_cls_config,
                                                tiny_cls_model)


def build(cfg):
    with DefaultScope.overwrite_default_scope('defectzoo'):
        return MODELS.build(cfg)


def test_pruned_model_keeps_outputs_and_loses_parameters():
    torch.manual_seed(0)
    model = build(tiny_cls_model(width=16)).eval()
    x = torch.randn(2, 3, 32, 32)
    before, after = prune_channels(model, x, sparsity=0.5)
    assert before == count_params(
        tiny_model := build(tiny_cls_model(width=16))) and after < 0.4 * before
    assert model(x, mode='tensor').shape == (2, 3)
    assert model.backbone.conv1.out_channels == 8  # 16 -> 8
    assert model.head.fc.out_features == 3  # classes kept
    # A fresh (unpruned) model takes the pruned weights after fitting.
    resized = fit_to_state_dict(tiny_model, model.state_dict())
    assert 'backbone.conv1' in resized and 'head.fc' in resized
    tiny_model.load_state_dict(model.state_dict(), strict=True)
    torch.testing.assert_close(tiny_model.eval()(x, mode='tensor'),
                               model(x, mode='tensor'))


def test_bad_arguments():
    model = build(tiny_cls_model())
    with pytest.raises(ValueError, match='sparsity'):
        prune_channels(model, torch.zeros(1, 3, 32, 32), sparsity=1.0)
    with pytest.raises(
            ValueError, match=r"\['classifier'\] are not "
            r'submodules.*head'):
        prune_channels(
            model, torch.zeros(1, 3, 32, 32), 0.5, ignored=('classifier', ))


def train(config, work_dir):
    cfg = Config.fromfile(config)
    cfg.work_dir = str(work_dir)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def test_prune_finetune_and_test_through_the_tools(tmp_path):
    data = make_folder_dataset(tmp_path / 'data')
    base = tiny_cls_config(tmp_path / 'tiny.py', data)
    train(base, tmp_path / 'base')
    trained = str(tmp_path / 'base' / 'epoch_1.pth')
    pruned_cfg = tiny_cls_config(
        tmp_path / 'pruned.py',
        data,
        extra=f"""
        load_from = {trained!r}
        custom_hooks = [dict(type='ChannelPruningHook', sparsity=0.5,
                             input_size=(32, 32))]
        """)
    runner = train(pruned_cfg, tmp_path / 'pruned')
    assert runner.model.backbone.conv1.out_channels == 4  # 8 -> 4
    pruned = str(tmp_path / 'pruned' / 'epoch_1.pth')
    state = torch.load(pruned, map_location='cpu')['state_dict']
    assert state['backbone.conv1.weight'].shape[0] == 4  # 8 -> 4
    # The pruned checkpoint tests through tools/test.py with its config ...
    run_main(test_cli, [pruned_cfg, pruned, '--work-dir', tmp_path / 'test'])
    metrics = json.load(
        open(sorted(glob.glob(osp.join(tmp_path, 'test', '*', '*.json')))[-1]))
    assert 0 <= metrics['accuracy/top1'] <= 100
    # ... and loads outside the Runner.
    model = init_model(pruned_cfg, pruned)
    assert count_params(model) < 0.4 * count_params(init_model(base))
