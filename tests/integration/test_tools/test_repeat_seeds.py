"""Seed repeats (defectzoo.cli.repeat_seeds) on the repeated-run protocol:
one seed trained and tested in this process (its config and result), the
parent's table over seeds with the child runs mocked, and its refusal of a
config without a test loop."""
import json
import os
import os.path as osp

import pytest
from mmengine.config import Config

from defectzoo.cli import repeat_seeds
from defectzoo.evaluation.repeated_runs import RepeatedRuns
from tests.conftest import write_config
from tests.integration.test_tools.test_small_data import (read_csv,
                                                          tiny_resnet_config)


def test_one_seed_in_process(tmp_path):
    cfg = tiny_resnet_config(tmp_path)
    work = tmp_path / 'seeds'
    repeat_seeds.main([cfg, '--run-seed', '3', '--work-dir', str(work)])
    run = work / 'seed3'
    with open(run / 'result.json') as f:
        result = json.load(f)
    assert result['seed'] == 3 and result['num_test'] == 6
    assert 0.0 <= result['metrics']['accuracy/top1'] <= 100.0
    dumped = Config.fromfile(str(run / 'config.py'))
    assert dumped.randomness.seed == 3
    assert dumped.val_cfg is None and not list(run.glob('*.pth'))


def test_seeds_table_from_mocked_runs(tmp_path, monkeypatch, capsys):
    cfg = tiny_resnet_config(tmp_path)
    work = str(tmp_path / 'seeds')
    commands = []

    def fake(self, run):
        commands.append(self.child_cmd + run.args)
        os.makedirs(self.run_dir(run), exist_ok=True)
        seed = int(run.fields['seed'])
        with open(osp.join(self.run_dir(run), 'result.json'), 'w') as f:
            json.dump(
                dict(seed=seed, metrics={'accuracy/top1': 90.0 + seed}), f)
        return True

    monkeypatch.setattr(RepeatedRuns, 'run_child', fake)
    repeat_seeds.main([
        cfg, '--seeds', '0', '2', '--work-dir', work, '--cfg-options',
        'train_cfg.max_epochs=1'
    ])
    assert commands[1][1:3] == ['-m', 'defectzoo.cli.repeat_seeds']
    assert commands[1][-2:] == ['--run-seed', '2']
    assert 'train_cfg.max_epochs=1' in commands[1]
    rows = read_csv(osp.join(work, 'seeds.csv'))
    assert [(r['seed'], r['status']) for r in rows] == [('0', 'ok'),
                                                        ('2', 'ok'),
                                                        ('mean', '2/2 runs'),
                                                        ('std', '2/2 runs')]
    assert float(rows[2]['accuracy/top1']) == pytest.approx(91.0)
    assert '91.00 ± 1.41' in capsys.readouterr().out


def test_config_without_test_loop_is_refused(tmp_path):
    cfg = write_config(
        tmp_path / 'no_test.py', """
        train_dataloader = dict(dataset=dict(type='Toy'))
        """)
    with pytest.raises(SystemExit, match='test_dataloader'):
        repeat_seeds.main([cfg, '--work-dir', str(tmp_path / 'w')])
