"""Command-line config overrides: typos are refused, new keys accepted."""
import os.path as osp

import pytest
from mmengine.config import Config

from defectzoo.cli import train
from defectzoo.cli.config_options import check_cfg_options
from tests.conftest import CONFIGS
from tests.helpers.in_process import run_main

SIMMIM = osp.join(CONFIGS, 'xray', 'simmim_swin.py')


def test_typo_is_refused_with_a_suggestion():
    cfg = Config.fromfile(SIMMIM)
    with pytest.raises(
            SystemExit, match=r"did you mean "
            r"'train_dataloader.batch_size'"):
        check_cfg_options(cfg, {'train_dataloader.bach_size': 4})
    with pytest.raises(SystemExit, match='param_scheduler.0.end'):
        check_cfg_options(cfg, {'param_scheduler.0.ends': 1})


def test_existing_and_new_keys_are_accepted():
    cfg = Config.fromfile(SIMMIM)
    check_cfg_options(
        cfg,
        {
            'train_dataloader.batch_size': 4,
            'param_scheduler.0.end': 1,
            'train_dataloader.dataset.synthetic': None,
            'model.backbone.drop_path_rate': 0.2,  # new, not a typo
            'work_dir': 'x'
        })


def test_train_tool_stops_before_building_anything(tmp_path):
    proc = run_main(
        train, [
            SIMMIM, '--work-dir',
            str(tmp_path), '--cfg-options', 'train_dataloader.bach_size=4'
        ],
        expect_failure=True)
    assert "did you mean 'train_dataloader.batch_size'" in proc.stderr
    assert not osp.exists(osp.join(str(tmp_path), 'vis_data'))
