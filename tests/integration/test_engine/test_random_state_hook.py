"""RandomStateHook: a killed and resumed training that draws random numbers
(dropout in the model; torch / numpy / python ``random`` noise in the
main-process data pipeline; validation at every checkpoint, whose dataloader
draws from the torch RNG) ends with the same weights as an uninterrupted
run, through the real CLI, for the iteration- and the epoch-based loop.
Without the hook the resumed run diverges (the test is sensitive to the RNG
states)."""
import glob
import io
import os.path as osp
import random
import re
import shutil
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from defectzoo.cli import train as train_cli
from defectzoo.engine.hooks.random_state_hook import (RandomStateHook,
                                                      get_random_states,
                                                      set_random_states)
from tests.conftest import start_train
from tests.helpers import in_process

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TESTS_DIR = osp.join(REPO, 'tests', 'helpers')  # toy_modules
# pytest -n: the expensive module-scoped `runs` are made once, on one worker
pytestmark = pytest.mark.xdist_group('random_state_hook')

# 16 samples, batch 4: 4 iterations per epoch, 12 in all; a checkpoint and
# a validation every 4 iterations / every epoch; killed after iteration 6,
# so the resume starts from the checkpoint after iteration 4.
COMMON = """
custom_imports = dict(imports=['defectzoo', 'toy_modules'],
                      allow_failed_imports=False)
model = dict(type='ToyModel', dropout=0.5)
train_dataloader = dict(
    batch_size=4, num_workers=0, dataset=dict(type='ToyDataset', noise=0.1),
    sampler=dict(type='{sampler}', shuffle=True),
    collate_fn=dict(type='default_collate'))
val_dataloader = dict(
    batch_size=8, num_workers=0, dataset=dict(type='ToyDataset'),
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'))
val_evaluator = dict(type='ToyMSE')
val_cfg = dict()
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval={interval},
                    by_epoch={by_epoch}, save_best='toy/mse', rule='less'),
    logger=dict(type='LoggerHook', interval=4))
randomness = dict(seed=0, deterministic=True)
# no default_scope in the toy configs (see toy_modules): scope prefix
custom_hooks = [dict(type='defectzoo.RandomStateHook')]
"""
LOOPS = dict(
    iter=COMMON.format(sampler='InfiniteSampler', interval=4, by_epoch=False) +
    'train_cfg = dict(by_epoch=False, max_iters=12, val_interval=4)\n'
    "param_scheduler = [dict(type='MultiStepLR', milestones=[6], "
    'by_epoch=False)]\n',
    epoch=COMMON.format(sampler='DefaultSampler', interval=1, by_epoch=True) +
    'train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=1)\n'
    "param_scheduler = [dict(type='MultiStepLR', milestones=[2], "
    'by_epoch=True)]\n')
# (checkpoint resumed from, checkpoints compared)
CKPTS = dict(
    iter=('iter_4.pth', ('iter_8.pth', 'iter_12.pth')),
    epoch=('epoch_1.pth', ('epoch_2.pth', 'epoch_3.pth')))


def train(cfg, work_dir, *args):
    """``tools/train.py CFG --work-dir WORK_DIR ARGS`` in this process."""
    if TESTS_DIR not in sys.path:  # custom_imports: toy_modules
        sys.path.insert(0, TESTS_DIR)
    return in_process.run_main(
        train_cli, [cfg, '--work-dir', work_dir, *args], expect_failure=None)


#: the runs of each loop, made once per test process (pytest sets a
#: parametrized module fixture up again each time the tests' order switches
#: between its parameters)
_RUNS = {}


@pytest.fixture(scope='module', params=['iter', 'epoch'])
def runs(request, tmp_path_factory):
    """The runs of a loop (:func:`make_runs`), made once."""
    if request.param not in _RUNS:
        _RUNS[request.param] = make_runs(request.param, tmp_path_factory)
    return _RUNS[request.param]


def make_runs(loop, tmp_path_factory):
    """One uninterrupted run, one run killed after iteration 6 (a child
    process: ``os._exit``), and two resumes of the latter from the same
    checkpoint: with the hook (B) and without it (C); the other runs in
    this process."""
    tmp = tmp_path_factory.mktemp(loop)
    cfg = tmp / 'toy.py'
    cfg.write_text(LOOPS[loop])
    (tmp / 'kill.py').write_text(
        "_base_ = './toy.py'\n"
        "custom_hooks = [dict(type='defectzoo.RandomStateHook'), "
        "dict(type='HardKillHook', after_iter=6)]\n")
    (tmp / 'no_hook.py').write_text("_base_ = './toy.py'\n"
                                    'custom_hooks = []\n')
    full, killed, no_hook = tmp / 'A', tmp / 'B', tmp / 'C'
    resume_from, compared = CKPTS[loop]

    kill = start_train(tmp / 'kill.py', killed)
    done = train(cfg, full)
    out_b = kill.communicate(timeout=300)[0]
    assert done.returncode == 0, done.output
    assert kill.returncode == 1, out_b  # os._exit(1) after iteration 6
    assert (killed / resume_from).exists(), out_b
    assert not (killed / compared[0]).exists(), out_b
    shutil.copytree(killed, no_hook)

    for run in (train(cfg, killed, '--resume'),
                train(tmp / 'no_hook.py', no_hook, '--resume')):
        assert run.returncode == 0, run.output
        epoch = 1 if loop == 'epoch' else 0
        assert re.search(rf'resumed epoch: {epoch}, iter: 4\b',
                         run.output), run.output
    return SimpleNamespace(
        loop=loop,
        full=full,
        resumed=killed,
        no_hook=no_hook,
        compared=compared)


def load(work_dir, name):
    return _load_checkpoint(str(work_dir / name), map_location='cpu')


def same_training_state(a, b):
    """Weights and SGD momentum buffers bit-identical."""
    if a['state_dict'].keys() != b['state_dict'].keys():
        return False
    return all(
        torch.equal(a['state_dict'][k], b['state_dict'][k])
        for k in a['state_dict']) and all(
            torch.equal(x['momentum_buffer'], y['momentum_buffer'])
            for x, y in zip(a['optimizer']['state'].values(), b['optimizer']
                            ['state'].values()))


def test_kill_and_resume_matches_uninterrupted(runs):
    for name in runs.compared:
        assert same_training_state(
            load(runs.full, name), load(runs.resumed, name)), name


def test_without_hook_resume_diverges(runs):
    """Control: same checkpoint, same data order, no RNG restore."""
    name = runs.compared[-1]
    assert not same_training_state(
        load(runs.full, name), load(runs.no_hook, name))


def test_checkpoints_hold_states_loadable_weights_only(runs):
    paths = sorted(glob.glob(str(runs.full / '*.pth')))
    assert any('best_toy_mse' in p for p in paths)
    for path in paths:
        states = torch.load(path, weights_only=True)['random_states']
        assert set(states) == {'torch', 'numpy', 'python'}
        buf = io.BytesIO()
        torch.save(states, buf)
        buf.seek(0)
        # nothing that needs defectzoo's allow-list (no numpy objects)
        assert torch.serialization.get_unsafe_globals_in_checkpoint(buf) == []
    assert 'random_states' not in load(runs.no_hook, runs.compared[-1])


def draws():
    return (torch.rand(4), np.random.rand(3), np.random.randn(),
            random.random(), random.gauss(0.0, 1.0))


def test_states_roundtrip(tmp_path):
    np.random.randn()  # leave a cached Gaussian in numpy's state
    random.gauss(0.0, 1.0)
    path = tmp_path / 'states.pth'
    torch.save(get_random_states(), path)
    first = draws()
    set_random_states(torch.load(path, weights_only=True))
    again = draws()
    assert torch.equal(first[0], again[0])
    assert np.array_equal(first[1], again[1])
    assert first[2:] == again[2:]


def test_states_kept_only_when_resuming():
    ckpt = dict(meta=dict(epoch=1, iter=4), random_states=get_random_states())
    hook = RandomStateHook()
    hook.after_load_checkpoint(SimpleNamespace(_resume=False), ckpt)
    assert hook._pending is None  # load_from: weights only
    hook.after_load_checkpoint(SimpleNamespace(_resume=True), ckpt)
    assert hook._pending['iter'] == 4 and hook._pending['resumed']
