"""Checkpoint loading under torch.load(weights_only=True).

Real mmengine Runner checkpoints (numpy metainfo, message-hub HistoryBuffers,
numpy metric scalars) must load through every entry point; a checkpoint with
an arbitrary pickled object must be refused without running it.
"""
import functools
import http.server
import os
import os.path as osp
import shlex
import shutil
import sys
import threading

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner import load_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader, _load_checkpoint

import defectzoo  # noqa: F401  (enables safe loading)
from defectzoo.utils import checkpoint as dz_checkpoint
from defectzoo.utils.checkpoint import (TRUSTED_ENV, UnsafeCheckpointError,
                                        enable_safe_checkpoint_loading,
                                        trust_checkpoint)

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TESTS_DIR = osp.join(REPO, 'tests', 'helpers')  # toy_modules
sys.path.insert(0, TESTS_DIR)

from toy_modules import ToyDataset, ToyModel  # noqa: E402

from defectzoo.cli import train as train_cli  # noqa: E402
from tests.helpers import in_process  # noqa: E402

SYSTEM = f'{os.system.__module__}.system'  # posix.system on Linux

# Training config of the CLI run. A run is bit-for-bit reproducible, also
# across a kill + --resume, because:
# * data order: the shuffling InfiniteSampler draws from its own
#   torch.Generator seeded with randomness.seed (not from the global RNG),
#   and on resume IterBasedTrainLoop replays the dataloader for the `iter`
#   batches already trained, so the resumed run continues the same order;
# * model, SGD momentum buffers and the LR scheduler are restored from the
#   checkpoint; the model is built and initialised identically (seeded);
# * nothing in the train step draws from the global RNG (no dropout, no
#   random augmentation). This matters: mmengine 0.10.7 does NOT save the
#   torch/numpy/python RNG states in checkpoints, so dropout after a resume
#   would draw different masks than the uninterrupted run.
# * deterministic=True pins the torch algorithms.
CFG = """
custom_imports = dict(imports=['defectzoo', 'toy_modules'],
                      allow_failed_imports=False)
model = dict(type='ToyModel')
train_dataloader = dict(
    batch_size=4, num_workers=0, dataset=dict(type='ToyDataset'),
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
train_cfg = dict(by_epoch=False, max_iters=12)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
param_scheduler = [dict(type='MultiStepLR', milestones=[6], by_epoch=False)]
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=4, by_epoch=False),
    logger=dict(type='LoggerHook', interval=4))
randomness = dict(seed=0, deterministic=True)
"""


def runner_cfg(work_dir, by_epoch=False, **kwargs):
    """In-process Runner config: iteration- or epoch-based, validating so
    that the message hub also holds numpy metric scalars (best_score)."""
    loader = dict(
        batch_size=8,
        num_workers=0,
        dataset=dict(type='ToyDataset'),
        collate_fn=dict(type='default_collate'))
    sampler = 'DefaultSampler' if by_epoch else 'InfiniteSampler'
    cfg = dict(
        model=dict(type='ToyModel'),
        work_dir=str(work_dir),
        # unique: mmengine shares logger / message hub per experiment name
        experiment_name='_'.join(str(work_dir).split(os.sep)[-2:]),
        train_dataloader=dict(
            loader, sampler=dict(type=sampler, shuffle=True)),
        val_dataloader=dict(
            loader, sampler=dict(type='DefaultSampler', shuffle=False)),
        val_evaluator=dict(type='ToyMSE'),
        val_cfg=dict(),
        train_cfg=dict(by_epoch=True, max_epochs=1) if by_epoch else dict(
            by_epoch=False, max_iters=2, val_interval=2),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=0.01)),
        param_scheduler=[
            dict(type='MultiStepLR', milestones=[1], by_epoch=by_epoch)
        ],
        default_hooks=dict(
            checkpoint=dict(
                type='CheckpointHook',
                interval=1 if by_epoch else 2,
                by_epoch=by_epoch,
                save_best='toy/mse',
                rule='less')),
        randomness=dict(seed=0),
        default_scope='mmengine')
    cfg.update(kwargs)
    return Config(cfg)


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


class Payload:
    """What an attacker pickles into a checkpoint: unpickling it runs a
    shell command (here: creating a marker file)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.system, (f'touch {shlex.quote(self.marker)}', )


@pytest.fixture(scope='module')
def real_ckpt(tmp_path_factory):
    """A checkpoint saved by a real (iteration-based) Runner training."""
    work_dir = tmp_path_factory.mktemp('real')
    Runner.from_cfg(runner_cfg(work_dir)).train()
    return str(work_dir / 'iter_2.pth')


@pytest.fixture
def evil(real_ckpt, tmp_path):
    """The real checkpoint plus a payload in its meta; returns (path,
    marker)."""
    ckpt = torch.load(real_ckpt)
    marker = tmp_path / 'PWNED'
    ckpt['meta']['note'] = Payload(marker)
    path = str(tmp_path / 'evil.pth')
    torch.save(ckpt, path)
    return path, marker


@pytest.fixture(autouse=True)
def no_trust(monkeypatch):
    monkeypatch.delenv(TRUSTED_ENV, raising=False)
    yield
    dz_checkpoint._trusted.clear()


# 1. Real checkpoints load with weights_only=True through every entry point.
@pytest.mark.parametrize('by_epoch', [False, True])
def test_runner_checkpoint_roundtrip(tmp_path, by_epoch):
    runner = Runner.from_cfg(runner_cfg(tmp_path / 'train', by_epoch))
    runner.train()
    path = str(tmp_path / 'train' /
               ('epoch_1.pth' if by_epoch else 'iter_2.pth'))
    weights = runner.model.state_dict()

    # torch.load's own default (weights_only=True) accepts it, too.
    assert torch.load(path)['meta']['seed'] == 0
    ckpt = _load_checkpoint(path)
    meta = ckpt['meta']['dataset_meta']
    palette = ToyDataset.METAINFO['palette']
    assert type(meta['palette']) is np.ndarray
    assert meta['palette'].dtype == palette.dtype
    assert np.array_equal(meta['palette'], palette)
    assert type(meta['mean']) is np.float32 and meta['mean'] == 0.5
    hub = ckpt['message_hub']
    loss = hub['log_scalars']['train/loss']
    assert isinstance(loss, HistoryBuffer)
    live = runner.message_hub.get_scalar('train/loss')
    assert all(np.array_equal(x, y) for x, y in zip(loss.data, live.data))
    assert loss.statistics('mean') == live.mean()
    assert type(hub['runtime_info']['best_score']) is np.float64
    assert_same_weights(ckpt['state_dict'], weights)

    model = ToyModel()
    load_checkpoint(model, path)
    assert_same_weights(model.state_dict(), weights)

    model = ToyModel(init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    assert_same_weights(model.state_dict(), weights)

    loaded = Runner.from_cfg(
        runner_cfg(tmp_path / 'load', by_epoch, load_from=path))
    loaded.load_or_resume()
    assert_same_weights(loaded.model.state_dict(), weights)

    # In-process resume (message hub, optimizer, schedulers) and go on.
    more = dict(
        by_epoch=True, max_epochs=2) if by_epoch else dict(
            by_epoch=False, max_iters=4, val_interval=2)
    resumed = Runner.from_cfg(
        runner_cfg(
            tmp_path / 'resume',
            by_epoch,
            load_from=path,
            resume=True,
            train_cfg=more))
    resumed.train()
    assert resumed.iter == 4
    assert 'train/loss' in resumed.message_hub.log_scalars


def test_numpy1_and_legacy_format(tmp_path):
    """numpy 1.x pickles arrays as numpy.core.multiarray.*; torch's legacy
    (non-zip) format takes another code path."""
    path = tmp_path / 'old.pth'
    obj = dict(a=np.arange(3, dtype=np.int16), s=np.float64(2.5))
    torch.save(obj, path, _use_new_zipfile_serialization=False)
    data = path.read_bytes()
    assert b'numpy._core.multiarray\n' in data
    path.write_bytes(
        data.replace(b'numpy._core.multiarray\n', b'numpy.core.multiarray\n'))
    out = _load_checkpoint(str(path))
    assert out['a'].dtype == np.int16 and list(out['a']) == [0, 1, 2]
    assert type(out['s']) is np.float64 and out['s'] == 2.5


def test_enable_is_idempotent(real_ckpt):
    before = len(torch.serialization.get_safe_globals())
    enable_safe_checkpoint_loading()
    enable_safe_checkpoint_loading()
    assert len(torch.serialization.get_safe_globals()) == before
    assert CheckpointLoader._get_checkpoint_loader(real_ckpt) is \
        dz_checkpoint.load_from_local
    # torchvision:// open-mmlab:// mmcls:// download through this global
    assert mmengine_checkpoint.load_from_http is dz_checkpoint.load_from_http
    _load_checkpoint(real_ckpt)


# 2. Kill-and-resume through the real CLI gives the same weights, RNG
# states included: tests/integration/test_engine/test_random_state_hook.py.


# 3. An arbitrary pickled object is refused, and never executed.
def assert_refusal(message, path):
    assert f'Refusing to load checkpoint {path}' in message
    assert f'non-allow-listed object(s): {SYSTEM}' in message
    assert 'execute arbitrary code' in message
    assert TRUSTED_ENV in message and 'trust_checkpoint' in message


def test_malicious_refused_in_process(evil, tmp_path):
    path, marker = evil
    with pytest.raises(UnsafeCheckpointError) as err:
        load_checkpoint(ToyModel(), path)
    assert_refusal(str(err.value), path)

    with pytest.raises(UnsafeCheckpointError) as err:
        ToyModel(
            init_cfg=dict(type='Pretrained', checkpoint=path)).init_weights()
    assert_refusal(str(err.value), path)

    for resume in (False, True):
        runner = Runner.from_cfg(
            runner_cfg(
                tmp_path / f'run{resume}', load_from=path, resume=resume))
        with pytest.raises(UnsafeCheckpointError) as err:
            runner.train()
        assert_refusal(str(err.value), path)

    # Without defectzoo's loaders torch refuses too (weights_only stays on).
    with pytest.raises(Exception, match=SYSTEM):
        torch.load(path)
    assert not marker.exists()


def test_malicious_getattr_refused(tmp_path):
    """The builtins.getattr stand-in allows HistoryBuffer's statistics
    methods only."""

    class GetattrPayload:

        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init__')

    path = str(tmp_path / 'getattr.pth')
    torch.save(dict(meta=GetattrPayload()), path)
    with pytest.raises(
            UnsafeCheckpointError,
            match=r"getattr\(.*HistoryBuffer.*'__init__'\)"):
        _load_checkpoint(path)


def test_malicious_refused_over_http(evil, tmp_path, monkeypatch):
    """mmengine's http loader used torch.hub's weights_only=False."""
    path, marker = evil
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))

    class Quiet(http.server.SimpleHTTPRequestHandler):

        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=osp.dirname(path))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f'http://127.0.0.1:{server.server_port}/evil.pth'
        with pytest.raises(UnsafeCheckpointError) as err:
            _load_checkpoint(url)
        assert_refusal(str(err.value), url)
    finally:
        server.shutdown()
        server.server_close()
    assert not marker.exists()


def test_malicious_refused_on_cli_resume(evil, tmp_path):
    path, marker = evil
    cfg = tmp_path / 'toy_iter.py'
    cfg.write_text(CFG)
    run = in_process.run_main(
        train_cli, [cfg, '--work-dir', tmp_path / 'C', '--resume', path],
        expect_failure=True)
    out = run.output
    assert 'UnsafeCheckpointError: Refusing to load checkpoint' in out, out
    assert_refusal(out, path)
    assert not marker.exists()


# 4. Explicit opt-in for a trusted file (full pickle: the payload runs).
def test_trusted_env_var(evil, monkeypatch):
    path, marker = evil
    monkeypatch.setenv(TRUSTED_ENV, f'/elsewhere/x.pth,{path}')
    ckpt = _load_checkpoint(path)
    assert 'note' in ckpt['meta'] and marker.exists()


def test_trust_checkpoint_is_per_file(evil, tmp_path):
    path, marker = evil
    other = str(tmp_path / 'copy.pth')
    shutil.copy(path, other)
    trust_checkpoint(osp.join(osp.dirname(path), '.', 'evil.pth'))
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(other)
    assert not marker.exists()
    load_checkpoint(ToyModel(), path)
    assert marker.exists()
