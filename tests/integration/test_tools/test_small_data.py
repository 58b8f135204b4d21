"""The small-data protocol (defectzoo.cli.small_data on the repeated-run
protocol): the k / seed setter, the summary, resume and failure handling
(child runs mocked), and one real run: a ResNet-18 on 32 px synthetic
surface defects, k=2, seeds 0 and 1, 1 epoch."""
import csv
import json
import math
import os
import os.path as osp
import sys

import pytest
from mmengine.config import Config

from defectzoo.cli import small_data
from defectzoo.evaluation.repeated_runs import (RepeatedRuns, format_table,
                                                mean_std, metric_names,
                                                run_config, summarize)
from defectzoo.evaluation.small_data import set_subset_args
from defectzoo.utils.process import run_logged
from tests.conftest import CONFIGS, write_config
from tests.helpers import in_process


@pytest.fixture(scope='module')
def tool():
    return small_data


def subset(k=1, seed=0, type='KPerClassSubset', dataset=None):
    return dict(type=type, k=k, seed=seed, dataset=dataset or dict(type='Toy'))


# ------------------------------------------------------------ k / seed --
def test_set_subset_args_walks_nested_dicts_and_lists():
    cfg = Config(
        dict(
            train_dataloader=dict(dataset=subset(5, 9)),
            # a wrapper around a subset, a subset inside a subset
            val_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    times=2,
                    dataset=subset(3, 3, type='defectzoo.KPerClassSubset'))),
            custom_hooks=[
                dict(type='RandomStateHook'),
                dict(
                    type='GalleryHook',
                    gallery=subset(7, 1, dataset=subset(1, 2))),
                dict(type='Other', datasets=[subset(),
                                             dict(type='Toy', k=4)]),
            ],
            k=123))
    assert set_subset_args(cfg, 10, 4) == 5
    text = cfg.pretty_text
    built = Config.fromstring(text, '.py')
    subsets = [
        built.train_dataloader.dataset,
        built.val_dataloader.dataset.dataset,
        built.custom_hooks[1].gallery,
        built.custom_hooks[1].gallery.dataset,
        built.custom_hooks[2].datasets[0],
    ]
    assert [(s.k, s.seed) for s in subsets] == [(10, 4)] * 5
    # other dicts' `k` keys are left alone
    assert built.custom_hooks[2].datasets[1].k == 4 and built.k == 123
    assert 'seed' not in built.custom_hooks[2].datasets[1]
    assert set_subset_args(dict(a=[dict(type='Toy')]), 1, 1) == 0


def test_run_config(tool):
    cfg = Config(
        dict(
            train_dataloader=dict(dataset=subset(5, 9)),
            val_dataloader=dict(dataset=dict(type='Toy')),
            val_evaluator=dict(type='Accuracy'),
            val_cfg=dict(),
            test_dataloader=dict(dataset=dict(type='Toy')),
            test_evaluator=dict(type='Accuracy'),
            custom_hooks=[dict(type='GalleryHook', gallery=subset())],
            default_hooks=dict(
                checkpoint=dict(
                    type='CheckpointHook', interval=1, save_best='auto')),
            randomness=dict(seed=0, deterministic=True)))
    run = run_config(tool.draw_config(cfg, 20, 3), '/tmp/w/k20_seed3')
    assert run.train_dataloader.dataset.k == 20
    assert run.custom_hooks[0].gallery.seed == 3
    assert run.randomness == dict(seed=3, deterministic=True)
    assert run.val_dataloader is None and run.val_cfg is None and \
        run.val_evaluator is None
    assert run.test_cfg == dict() and run.work_dir == '/tmp/w/k20_seed3'
    assert run.default_hooks.checkpoint.interval == -1
    assert not run.default_hooks.checkpoint.save_last
    keep = run_config(
        tool.draw_config(cfg, 20, 3), '/tmp/w', save_checkpoints=True)
    assert keep.default_hooks.checkpoint.save_last
    assert keep.default_hooks.checkpoint.save_best is None
    # the input config is not changed
    assert cfg.train_dataloader.dataset.k == 5 and cfg.val_cfg == dict()
    with pytest.raises(SystemExit, match='no KPerClassSubset'):
        tool.draw_config(
            Config(dict(train_dataloader=dict(dataset=dict(type='Toy')))), 1,
            0)


# -------------------------------------------------------------- summary --
def res(acc, f1):
    # f1 first: the summary puts accuracy/top1 first anyway
    return dict(metrics={'single-label/f1-score': f1, 'accuracy/top1': acc})


def test_summary_mean_std_by_k():
    assert mean_std([1.0, float('nan'), 3.0]) == (2.0, math.sqrt(2.0))
    assert math.isnan(mean_std([5.0])[1]) and math.isnan(mean_std([])[0])
    results = {
        'k10_seed0': res(90.0, 80.0),
        'k10_seed1': res(96.0, 84.0),
        'k10_seed2': None,
        'k20_seed0': res(99.0, 98.0)
    }
    names = metric_names([r for r in results.values() if r])
    assert names == ['accuracy/top1', 'single-label/f1-score']
    runs = small_data.runs_of([10, 20], [0, 1, 2])
    assert runs[1].name == 'k10_seed1' and runs[1].label == 'k=10 seed=1'
    assert runs[1].args == ['--run', '10', '1']
    rows = summarize(runs, results, {n: n for n in names})
    assert [(r['k'], r['seed'], r['status'])
            for r in rows] == [('10', '0', 'ok'), ('10', '1', 'ok'),
                               ('10', '2', 'failed'),
                               ('10', 'mean', '2/3 runs'),
                               ('10', 'std', '2/3 runs'), ('20', '0', 'ok'),
                               ('20', '1', 'failed'), ('20', '2', 'failed'),
                               ('20', 'mean', '1/3 runs'),
                               ('20', 'std', '1/3 runs')]
    mean10, std10 = rows[3], rows[4]
    assert mean10['accuracy/top1'] == 93.0
    assert std10['accuracy/top1'] == pytest.approx(math.sqrt(18.0))
    assert mean10['single-label/f1-score'] == 82.0
    assert std10['single-label/f1-score'] == pytest.approx(math.sqrt(8.0))
    assert math.isnan(rows[2]['accuracy/top1'])
    assert rows[8]['accuracy/top1'] == 99.0
    assert math.isnan(rows[9]['accuracy/top1'])

    table = format_table(rows, ['k', 'seed'], names).splitlines()
    header, line10, line20 = table[0], table[4], table[-1]
    assert header.split() == [
        'k', 'seed', 'accuracy/top1', 'single-label/f1-score', 'runs'
    ]
    assert table[1].split()[:3] == ['10', '0', '90.00']
    assert table[3].split() == ['10', '2', 'failed', 'failed']
    assert line10.split()[:2] == ['10', 'mean±std']
    assert '93.00 ± 4.24' in line10
    assert '82.00 ± 2.83' in line10 and line10.endswith('2/3')
    assert '99.00 ± -' in line20 and line20.endswith('1/3')


# ------------------------------------------------- resume and failures --
def tiny_cfg(tmp_path):
    return write_config(
        tmp_path / 'cfg.py', """
        train_dataloader = dict(dataset=dict(
            type='KPerClassSubset', k=1, seed=0, dataset=dict(type='Toy')))
        test_dataloader = dict(dataset=dict(type='Toy'))
        test_evaluator = dict(type='Accuracy')
        """)


def fake_runner(calls, fail=()):
    """Stands for the child process: writes a result.json (accuracy
    k + seed) unless (k, seed) is in ``fail``."""

    def run(self, run):
        k, seed = int(run.fields['k']), int(run.fields['seed'])
        calls.append((k, seed))
        if (k, seed) in fail:
            print(f'k={k} seed={seed}: FAILED (exit code 1); last lines of '
                  f'{self.run_dir(run)}/run.log:')
            return False
        os.makedirs(self.run_dir(run), exist_ok=True)
        with open(osp.join(self.run_dir(run), 'result.json'), 'w') as f:
            json.dump(
                dict(
                    k=k, seed=seed, metrics={'accuracy/top1':
                                             float(k + seed)}), f)
        return True

    return run


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_resume_does_not_rerun_finished_runs(tool, tmp_path, monkeypatch,
                                             capsys):
    work = str(tmp_path / 'work')
    os.makedirs(osp.join(work, 'k2_seed0'))
    with open(osp.join(work, 'k2_seed0', 'result.json'), 'w') as f:
        json.dump(dict(k=2, seed=0, metrics={'accuracy/top1': 50.0}), f)
    calls = []
    monkeypatch.setattr(RepeatedRuns, 'run_child', fake_runner(calls))
    argv = [
        tiny_cfg(tmp_path), '--k', '2', '4', '--seeds', '0', '1', '--work-dir',
        work
    ]
    tool.main(argv)
    assert calls == [(2, 1), (4, 0), (4, 1)]
    out = capsys.readouterr().out
    assert 'run 1/4 k=2 seed=0: done earlier' in out
    assert 'run 4/4 k=4 seed=1: finished' in out and 'ETA' in out
    rows = read_csv(osp.join(work, 'small_data.csv'))
    assert [(r['k'], r['seed']) for r in rows] == [('2', '0'), ('2', '1'),
                                                   ('2', 'mean'), ('2', 'std'),
                                                   ('4', '0'), ('4', '1'),
                                                   ('4', 'mean'), ('4', 'std')]
    # the pre-written 50 is used, not re-computed (it would be 2.0)
    assert float(rows[0]['accuracy/top1']) == 50.0
    assert float(rows[2]['accuracy/top1']) == pytest.approx(26.5)
    assert float(rows[6]['accuracy/top1']) == pytest.approx(4.5)
    # everything done: a second call runs nothing
    calls.clear()
    tool.main(argv)
    assert calls == []
    assert capsys.readouterr().out.count('done earlier') == 4


def test_failed_run_is_reported_and_others_go_on(tool, tmp_path, monkeypatch,
                                                 capsys):
    work = str(tmp_path / 'work')
    calls = []
    monkeypatch.setattr(RepeatedRuns, 'run_child',
                        fake_runner(calls, fail={(2, 0)}))
    argv = [
        tiny_cfg(tmp_path), '--k', '2', '--seeds', '0', '1', '2', '--work-dir',
        work
    ]
    with pytest.raises(SystemExit) as exc:
        tool.main(argv)
    assert calls == [(2, 0), (2, 1), (2, 2)]
    message = str(exc.value.code)
    assert '1 run(s) failed' in message and 'k=2 seed=0' in message
    assert osp.join(work, 'k2_seed0', 'run.log') in message
    out = capsys.readouterr().out
    assert 'run 1/3 k=2 seed=0: failed' in out
    rows = read_csv(osp.join(work, 'small_data.csv'))
    assert [r['status']
            for r in rows] == ['failed', 'ok', 'ok', '2/3 runs', '2/3 runs']
    assert float(rows[3]['accuracy/top1']) == pytest.approx(3.5)
    # a retry runs only the failed one
    calls.clear()
    monkeypatch.setattr(RepeatedRuns, 'run_child', fake_runner(calls))
    tool.main(argv)
    assert calls == [(2, 0)]


def test_run_logged_reports_the_log(tmp_path, capsys):
    log = str(tmp_path / 'sub' / 'run.log')
    ok = run_logged(
        [sys.executable, '-c', 'print("step 1"); raise SystemExit("boom")'],
        log, 'k=2 seed=0')
    assert not ok
    out = capsys.readouterr().out
    assert f'k=2 seed=0: FAILED (exit code 1); last lines of {log}' in out
    assert 'boom' in out and 'step 1' in out
    assert run_logged([sys.executable, '-c', 'pass'], log, 'x')
    assert not run_logged(
        [sys.executable, '-c', 'pass'], log, 'x', succeeded=lambda: False)


def test_no_subset_in_config_is_refused(tool, tmp_path):
    cfg = write_config(
        tmp_path / 'plain.py', """
        train_dataloader = dict(dataset=dict(type='Toy'))
        test_dataloader = dict(dataset=dict(type='Toy'))
        test_evaluator = dict(type='Accuracy')
        """)
    with pytest.raises(SystemExit, match='no KPerClassSubset'):
        tool.main([
            cfg, '--k', '2', '--seeds', '0', '--work-dir',
            str(tmp_path / 'w')
        ])


# ----------------------------------------------------------- end to end --
def tiny_resnet_config(tmp_path):
    """Synthetic surface defects (3 classes, 12 train / 6 test images,
    32 px) wrapped in KPerClassSubset, ResNet-18, batch 4, 1 epoch; the
    base's val loop is on (the tool switches it off)."""
    base = osp.join(CONFIGS, '_base_', 'datasets', 'synthetic_surface_cls.py')
    runtime = osp.join(CONFIGS, '_base_', 'default_runtime.py')
    return write_config(
        tmp_path / 'tiny_small_data.py', f"""
        _base_ = [{base!r}, {runtime!r}]
        common = dict(type='SyntheticSurfaceDefectDataset', task='cls',
                      seed=0, img_size=32,
                      defect_classes=('scratch', 'spot', 'patch'))
        pipeline = [dict(type='mmpretrain.PackInputs')]
        model = dict(
            type='mmpretrain.ImageClassifier',
            data_preprocessor=dict(
                type='mmpretrain.ClsDataPreprocessor', num_classes=3,
                mean=[127.5] * 3, std=[64.0] * 3),
            backbone=dict(type='mmpretrain.ResNet', depth=18,
                          out_indices=(3, )),
            neck=dict(type='mmpretrain.GlobalAveragePooling'),
            head=dict(type='mmpretrain.LinearClsHead', num_classes=3,
                      in_channels=512,
                      loss=dict(type='mmpretrain.CrossEntropyLoss')))
        train_dataloader = dict(
            batch_size=4, num_workers=0, persistent_workers=False,
            dataset=dict(_delete_=True, type='KPerClassSubset', k=99,
                         seed=99, dataset=dict(common, split='train',
                                               num_samples=12,
                                               pipeline=pipeline)))
        val_dataloader = dict(
            batch_size=6, num_workers=0, persistent_workers=False,
            dataset=dict(_delete_=True, **common, split='val',
                         num_samples=6, pipeline=pipeline))
        test_dataloader = dict(
            batch_size=6, num_workers=0, persistent_workers=False,
            dataset=dict(_delete_=True, **common, split='test',
                         num_samples=6, pipeline=pipeline))
        val_cfg = dict()
        test_cfg = dict()
        train_cfg = dict(by_epoch=True, max_epochs=1)
        optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
        default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
        randomness = dict(seed=0)
        """)


def test_small_data_end_to_end(tmp_path, monkeypatch):
    """The tool and its runs in this process (their code as in a child)."""
    in_process.child_runs_in_process(monkeypatch)
    cfg = tiny_resnet_config(tmp_path)
    work = tmp_path / 'small'
    cmd = [cfg, '--k', '2', '--seeds', '0', '1', '--work-dir', str(work)]
    proc = in_process.run_main(small_data, cmd)
    out = proc.stdout
    assert 'run 1/2 k=2 seed=0: training' in out
    assert 'run 2/2 k=2 seed=1: finished' in out and 'ETA' in out

    for seed in (0, 1):
        run = work / f'k2_seed{seed}'
        with open(run / 'result.json') as f:
            result = json.load(f)
        # 2 images x 3 classes trained on, the 6 test images scored
        assert (result['k'], result['seed']) == (2, seed)
        assert result['num_train'] == 6 and result['num_test'] == 6
        assert 0.0 <= result['metrics']['accuracy/top1'] <= 100.0
        assert 'single-label/f1-score' in result['metrics']
        dumped = Config.fromfile(str(run / 'config.py'))
        assert dumped.train_dataloader.dataset.k == 2
        assert dumped.train_dataloader.dataset.seed == seed
        assert dumped.randomness.seed == seed
        assert dumped.val_cfg is None and dumped.val_dataloader is None
        assert not list(run.glob('*.pth'))  # no checkpoints by default

    rows = read_csv(work / 'small_data.csv')
    assert [(r['k'], r['seed'], r['status'])
            for r in rows] == [('2', '0', 'ok'), ('2', '1', 'ok'),
                               ('2', 'mean', '2/2 runs'),
                               ('2', 'std', '2/2 runs')]
    assert list(rows[0])[:4] == ['k', 'seed', 'status', 'accuracy/top1']
    accs = [float(r['accuracy/top1']) for r in rows[:2]]
    assert float(rows[2]['accuracy/top1']) == pytest.approx(
        sum(accs) / 2, abs=1e-3)
    table = out[out.index('mean ± std over seeds'):]
    header = table.splitlines()[1].split()
    assert header[:3] == ['k', 'seed', 'accuracy/top1']
    assert header[-1] == 'runs'
    line = table.splitlines()[4]
    assert line.split()[:2] == ['2', 'mean±std'] and line.endswith('2/2')
    assert f'{float(rows[2]["accuracy/top1"]):.2f} ± ' in line
