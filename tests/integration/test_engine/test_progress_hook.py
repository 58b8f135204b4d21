"""ProgressHook: progress lines at iterations 1, 2, 4, 8 until the
LoggerHook's interval takes over, the CPU cost line with the config's
``cpu_alternative``; tools/train.py adds the hook and prints mmengine's
hook table only with --verbose (the log file always has it)."""
import glob
import itertools
import logging
import os.path as osp
import re
import sys

import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from defectzoo.cli.console import ConsoleFilter, hide_on_console
from defectzoo.cli.run_hooks import add_progress_hook, ensure_safety_hooks
from defectzoo.engine.hooks import ProgressHook
from defectzoo.engine.hooks import progress_hook as progress_module
from tests.conftest import REPO_ROOT
from tests.integration.test_tools.test_fail_loud import cli, toy_config

sys.path.insert(0, osp.join(REPO_ROOT, 'tests', 'helpers'))
import toy_modules  # noqa: E402,F401 (ToyModel, ToyDataset)

ALTERNATIVE = 'python tools/train.py toy.py --cfg-options x=1'
RUNS = itertools.count()
PROGRESS = re.compile(r'Progress: iteration (\d+)/(\d+), [\d.]+ s/iter'
                      r'( \(start-up included\))?, ETA \d+:\d\d:\d\d')


def train(tmp_path, by_epoch=False, interval=10, max_iters=12, **hook):
    """A toy run (16 samples, batch 1: 16 iterations an epoch) with the
    hook; returns the lines of its log file."""
    loader = dict(
        batch_size=1,
        num_workers=0,
        dataset=dict(type='ToyDataset'),
        sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'))
    train_cfg = dict(by_epoch=True, max_epochs=max_iters // 16) if by_epoch \
        else dict(by_epoch=False, max_iters=max_iters)
    runner = Runner(
        model=dict(type='ToyModel'),
        work_dir=str(tmp_path),
        train_dataloader=loader,
        train_cfg=train_cfg,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=interval),
            checkpoint=None),
        log_processor=dict(by_epoch=by_epoch),
        custom_hooks=[ProgressHook(**hook)],
        cfg=dict(cpu_alternative=ALTERNATIVE),
        experiment_name=f'progress_{next(RUNS)}')  # a new logger each
    runner.train()
    log_file = runner.logger.log_file
    for handler in runner.logger.handlers:
        handler.flush()
    with open(log_file) as f:
        return f.read().splitlines()


def progress_iters(lines):
    return [int(m.group(1)) for m in map(PROGRESS.search, lines) if m]


def test_lines_at_doubling_iterations_until_the_logger_takes_over(
        tmp_path, monkeypatch):
    monkeypatch.setattr(progress_module, 'get_device', lambda: 'cpu')
    lines = train(tmp_path, alternative_over=0)
    assert progress_iters(lines) == [1, 2, 4, 8]  # logger: 10
    first = next(line for line in lines if 'Progress: iteration 1/' in line)
    assert '1/12' in first and '(start-up included)' in first
    assert 'regular log (every 10 iterations)' in first
    assert all('start-up' not in line for line in lines
               if PROGRESS.search(line) and 'iteration 1/' not in line)
    assert any('Iter(train) [10/12]' in line for line in lines)
    start = [line for line in lines if 'No GPU: training on the CPU' in line]
    assert len(start) == 1 and '12 iterations' in start[0]
    cost = [line for line in lines if 'No GPU: this run' in line]
    assert len(cost) == 1, lines
    assert re.search(
        r'12 iterations x [\d.]+ s/iter, takes about '
        r'\d+:\d\d:\d\d on this CPU\. A CPU-sized run of this '
        r'config: ' + re.escape(ALTERNATIVE), cost[0])
    # after iteration 4: the cost line follows the progress line of 4
    assert lines.index(cost[0]) > lines.index(
        next(line for line in lines if 'Progress: iteration 4/' in line))


def test_short_cpu_run_and_gpu_run(tmp_path, monkeypatch):
    # a run shorter than alternative_over: the cost without the alternative;
    # slow iterations (estimate_within=0): the estimate after iteration 2
    monkeypatch.setattr(progress_module, 'get_device', lambda: 'cpu')
    lines = train(tmp_path / 'cpu', interval=4, max_iters=6, estimate_within=0)
    assert progress_iters(lines) == [1, 2]
    cost = [line for line in lines if 'No GPU: this run' in line]
    assert len(cost) == 1 and 'CPU-sized' not in cost[0]
    second = next(i for i, line in enumerate(lines)
                  if 'Progress: iteration 2/6' in line)
    assert lines[second + 1] == cost[0]
    # with a GPU: progress lines only
    monkeypatch.setattr(progress_module, 'get_device', lambda: 'cuda')
    lines = train(tmp_path / 'gpu', interval=16, max_iters=24)
    assert progress_iters(lines) == [1, 2, 4, 8]
    assert not any('No GPU' in line for line in lines)


def test_epoch_loop_ends_at_the_first_logged_epoch_end(tmp_path):
    # 16 iterations an epoch, interval 20: the LoggerHook logs the end of
    # epoch 1 (iteration 16), so the hook logs 1, 2, 4 and 8
    lines = train(tmp_path, by_epoch=True, interval=20, max_iters=32)
    assert progress_iters(lines) == [1, 2, 4, 8]
    assert any('Epoch(train) [1][16/16]' in line for line in lines)
    assert not any('Epoch(train) [2]' in line and 'Progress' in line
                   for line in lines)


def test_the_launcher_adds_it_once_unless_disabled():
    cfg = Config(dict(custom_hooks=[dict(type='EMAHook')]))
    assert add_progress_hook(cfg)
    assert cfg.custom_hooks[-1] == dict(type='defectzoo.ProgressHook')
    assert not add_progress_hook(cfg)
    cfg = Config(dict(disable_hooks=['ProgressHook']))
    ensure_safety_hooks(cfg)  # a launcher hook: may be named there
    assert not add_progress_hook(cfg)
    assert not any('Progress' in h['type'] for h in cfg.custom_hooks)


def test_console_filter_keeps_the_file(tmp_path):
    logger = MMLogger.get_instance(
        f'quiet_{next(RUNS)}', log_file=str(tmp_path / 'run.log'))
    hide_on_console(logger)
    hide_on_console(logger)  # once per handler
    stream, file = logger.handlers
    assert [type(f) for f in stream.filters].count(ConsoleFilter) == 1
    assert not any(isinstance(f, ConsoleFilter) for f in file.filters)

    def shown(msg, handler=stream):
        return bool(
            handler.filter(
                logging.LogRecord('x', logging.INFO, '', 0, msg, None, None)))

    quiet = [
        'Hooks will be executed in the following order:\nbefore_run: ...',
        'paramwise_options -- backbone.norm3.weight:decay_mult=0.0',
        'bbox_head.cls_convs.1.0.conv is duplicate. It is skipped since '
        'bypass_duplicate=True', '"FileClient" will be deprecated in future.',
        '"HardDiskBackend" is the alias of "LocalBackend" and the former ...'
    ]
    assert not any(map(shown, quiet))
    assert all(shown(msg, file) for msg in quiet)  # the log file has them
    assert shown('Epoch(train) [1][4/4]  loss: 1.0')
    assert shown('No GPU: this run, ... Hooks will be executed in ...')


@pytest.mark.parametrize('verbose', [False, True])
def test_hook_table_only_with_verbose(tmp_path, verbose):
    cfg = toy_config(tmp_path, max_epochs=1)
    work = tmp_path / 'work'
    rc, out = cli('train', cfg, '--work-dir', work,
                  *(['--verbose'] if verbose else []))
    assert rc == 0, out
    table = 'Hooks will be executed in the following order'
    assert (table in out) == verbose, out
    assert ('"FileClient" will be deprecated' in out) == verbose
    (log, ) = glob.glob(str(work / '*' / '*.log'))
    with open(log) as f:
        assert table in f.read()  # the log file keeps it
    assert 'ProgressHook' in out or not verbose  # in the table


def test_a_slow_first_batch_is_announced(tmp_path, monkeypatch):
    clock = itertools.count(0., 20.)  # every reading 20 s after the last
    monkeypatch.setattr(progress_module.time, 'perf_counter',
                        lambda: next(clock))
    lines = train(tmp_path, max_iters=2)
    [line] = [line for line in lines if 'first batch ready' in line]
    assert 'first batch ready after 20 s' in line
    assert 'iteration 1/2 running' in line


def test_a_quick_first_batch_says_nothing(tmp_path):
    lines = train(tmp_path, max_iters=2)
    assert not any('first batch ready' in line for line in lines)


def test_a_long_first_iteration_has_a_heartbeat(tmp_path, monkeypatch):
    import time

    from toy_modules import ToyModel
    step = ToyModel.train_step

    def slow_first_step(self, *args, **kwargs):
        if not getattr(self, 'slowed', False):
            self.slowed = True
            time.sleep(0.35)
        return step(self, *args, **kwargs)

    monkeypatch.setattr(ToyModel, 'train_step', slow_first_step)
    lines = train(tmp_path, max_iters=3, heartbeat=0.1)
    beats = [line for line in lines if 'still running after' in line]
    assert len(beats) >= 2, lines  # at ~0.1, 0.2, 0.3 s
    assert all('iteration 1/3 still running' in line for line in beats)
    last_beat = max(lines.index(line) for line in beats)
    first = next(i for i, line in enumerate(lines)
                 if 'Progress: iteration 1/3,' in line)
    assert last_beat < first  # none after the iteration ended


def test_no_heartbeat_after_a_first_iteration_that_failed(
        tmp_path, monkeypatch):
    import time

    from toy_modules import ToyModel

    def failing_step(self, *args, **kwargs):
        raise RuntimeError('boom')

    monkeypatch.setattr(ToyModel, 'train_step', failing_step)
    with pytest.raises(RuntimeError, match='boom'):
        train(tmp_path, max_iters=3, heartbeat=0.05)
    said = []
    monkeypatch.setattr(MMLogger, 'info', lambda self, msg: said.append(msg))
    time.sleep(0.2)  # the timer fires, sees no iteration running
    assert not any('still running' in m for m in said)
