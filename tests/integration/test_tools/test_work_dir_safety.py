"""One training per work dir (a stale-aware lock), and NaN protection that
a config's own custom_hooks cannot switch off by accident."""
import os
import subprocess
import sys

import pytest
from mmengine.config import Config

from defectzoo.cli.run_hooks import ensure_safety_hooks
from defectzoo.cli.work_dir import LOCK_NAME, lock_work_dir
from tests.integration.test_tools.test_fail_loud import cli, toy_config


def _dead_pid():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_lock_refuses_a_live_holder_and_takes_over_a_dead_one(
        tmp_path, capsys):
    import socket
    lock = tmp_path / LOCK_NAME
    holder = subprocess.Popen(
        [sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        lock.write_text(f'{holder.pid} {socket.gethostname()}\n')
        with pytest.raises(SystemExit, match=f'PID {holder.pid}'):
            lock_work_dir(str(tmp_path))
    finally:
        holder.kill()
        holder.wait()
    dead = _dead_pid()
    lock.write_text(f'{dead} {socket.gethostname()}\n')
    assert lock_work_dir(str(tmp_path)) == str(lock)
    assert f'no longer running (PID {dead})' in capsys.readouterr().out
    assert lock.read_text().split()[0] == str(os.getpid())


def test_second_training_into_a_busy_work_dir_is_refused(tmp_path):
    import socket
    work = tmp_path / 'work'
    work.mkdir()
    holder = subprocess.Popen(
        [sys.executable, '-c', 'import time; time.sleep(120)'])
    try:
        (work / LOCK_NAME).write_text(f'{holder.pid} {socket.gethostname()}')
        rc, out = cli('train', toy_config(tmp_path), '--work-dir', work)
    finally:
        holder.kill()
        holder.wait()
    assert rc == 1, out
    assert f'in use by another training (PID {holder.pid}' in out, out
    assert 'Traceback' not in out
    assert not any(f.endswith('.pth') for f in os.listdir(work))
    # the holder is gone: the next run takes the lock over and trains
    rc, out = cli('train', toy_config(tmp_path), '--work-dir', work)
    assert rc == 0, out
    assert 'no longer running' in out
    assert not (work / LOCK_NAME).exists()  # released at exit


def test_safety_hooks_are_added_unless_disabled_by_name(capsys):
    cfg = Config(dict(custom_hooks=[dict(type='EMAHook')]))
    assert ensure_safety_hooks(cfg) == ['CheckFiniteHook', 'CheckpointFitHook']
    assert [h['type'] for h in cfg.custom_hooks] == [
        'EMAHook', 'defectzoo.CheckFiniteHook', 'defectzoo.CheckpointFitHook'
    ]
    assert "disable_hooks = ['CheckFiniteHook']" in capsys.readouterr().out
    cfg = Config(
        dict(
            custom_hooks=[dict(type='defectzoo.CheckFiniteHook')],
            disable_hooks=['CheckpointFitHook']))
    assert ensure_safety_hooks(cfg) == []
    with pytest.raises(SystemExit, match='not launcher hooks'):
        ensure_safety_hooks(Config(dict(disable_hooks=['EMAHook'])))


def test_nan_stops_a_run_whose_custom_hooks_forgot_check_finite(tmp_path):
    cfg = toy_config(
        tmp_path,
        max_epochs=5,
        extra=("model = dict(type='ToyModel', nan_from_iter=10)\n"
               "custom_hooks = [dict(type='EMAHook')]\n"))
    work = tmp_path / 'w'
    rc, out = cli('train', cfg, '--work-dir', work)
    assert rc == 1, out
    assert 'non-finite loss at iteration 10' in out, out
    assert 'custom_hooks has no CheckFiniteHook: added' in out


def _children(pid):
    with open(f'/proc/{pid}/task/{pid}/children') as f:
        return [int(p) for p in f.read().split()]


def test_sigterm_ends_the_dataloader_workers(tmp_path):
    import signal
    import time

    from tests.conftest import start_train
    cfg = toy_config(
        tmp_path,
        max_epochs=100000,
        extra=("train_dataloader = dict(loader, num_workers=2, "
               "persistent_workers=True, dataset=dict(type='ToyDataset', "
               'size=4096))\n'))
    proc = start_train(cfg, tmp_path / 'w')
    try:
        deadline = time.time() + 240
        workers = []
        while time.time() < deadline and len(workers) < 2:
            time.sleep(1)
            assert proc.poll() is None, proc.stdout.read()
            workers = _children(proc.pid)
        assert len(workers) >= 2, 'no data-loader workers started'
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, out
    assert 'Training stopped by SIGTERM' in out, out
    time.sleep(1)
    alive = [p for p in workers if os.path.exists(f'/proc/{p}')]
    assert not alive, f'orphan workers {alive}'
    assert not (tmp_path / 'w' / LOCK_NAME).exists()
