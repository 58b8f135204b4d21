"""Shared fixtures: repository paths, tiny configs and a CLI runner."""
import os
import os.path as osp
import subprocess
import sys
import textwrap

import pytest

#: fixtures shared by the unit and integration tests
pytest_plugins = ['tests.helpers.zoo_server']

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(REPO_ROOT, 'configs')

# A tiny synthetic X-ray set: enough for a few iterations on 2 CPU cores.
TINY_SYNTHETIC = dict(
    num_unlabelled=8, num_train=2, num_val=4, img_size=96, seed=0)
# A 4-stage Swin with one block per stage, window 12 like the paper's.
TINY_SWIN = dict(
    embed_dims=32, depths=[1, 1, 1, 1], num_heads=[1, 2, 2, 4], _delete_=True)


def pytest_configure(config):
    """One torch / OpenCV thread per worker of ``pytest -n``: the workers
    already fill the cores (their default two threads each on a 2-core
    machine ran the unit tests 1.25x faster than one process, not 2x).

    Refuses ``--dist loadgroup`` where it would not keep an
    ``xdist_group`` on one worker: pytest >= 9.2 with pytest-xdist <= 3.8
    spreads the groups silently (pytest-dev/pytest-xdist#1386), so their
    module fixtures are made once per worker, minutes of the suite."""
    if config.getoption('dist', 'no') == 'loadgroup':
        from importlib.metadata import version

        def release(name):
            return tuple(int(x) for x in version(name).split('.')[:2])

        if release('pytest') >= (9, 2) and release('pytest-xdist') <= (3, 8):
            raise pytest.UsageError(
                f'pytest {version("pytest")} with pytest-xdist '
                f'{version("pytest-xdist")}: --dist loadgroup does not group '
                'the xdist_group tests (pytest-dev/pytest-xdist#1386); '
                'install the pytest requirements/tests.txt names')
    if os.environ.get('PYTEST_XDIST_WORKER'):
        import cv2
        import torch
        torch.set_num_threads(1)
        cv2.setNumThreads(1)


def write_config(path, text: str, extra: str = '') -> str:
    """Write a python config file (``text`` then ``extra`` overrides, each
    dedented) and return its path."""
    path = str(path)
    with open(path, 'w') as f:
        f.write(textwrap.dedent(text) + '\n' + textwrap.dedent(extra))
    return path


def tiny_simmim_config(tmp_dir, data_root, extra: str = '') -> str:
    """SimMIM Swin (window 12) on 64 px crops of the tiny synthetic set."""
    return write_config(
        osp.join(str(tmp_dir), 'tiny_simmim.py'), f"""
        _base_ = {osp.join(CONFIGS, 'xray', 'simmim_swin.py')!r}
        data_root = {str(data_root)!r}
        synthetic = {TINY_SYNTHETIC!r}
        img_size = 64
        mask = dict(type='mmpretrain.SimMIMMaskGenerator', input_size=img_size,
                    mask_patch_size=32, model_patch_size=4, mask_ratio=0.6)
        load = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
        train_dataloader = dict(
            batch_size=2, num_workers=0, persistent_workers=False,
            dataset=dict(data_root=data_root, synthetic=synthetic, pipeline=[
                load,
                dict(type='mmpretrain.RandomResizedCrop', scale=img_size,
                     crop_ratio_range=(0.67, 1.0)),
                dict(type='mmpretrain.RandomFlip', prob=0.5),
                mask, dict(type='mmpretrain.PackInputs')]))
        test_dataloader = dict(
            batch_size=2, num_workers=0,
            dataset=dict(data_root=data_root, synthetic=synthetic, pipeline=[
                load, dict(type='mmpretrain.Resize', scale=img_size),
                mask, dict(type='mmpretrain.PackInputs')]))
        model = dict(
            backbone=dict(arch={TINY_SWIN!r}, img_size=img_size),
            neck=dict(in_channels=32 * 2**3))
        train_cfg = dict(max_epochs=2)
        param_scheduler = []
        optim_wrapper = dict(optimizer=dict(lr=1e-3))
        default_hooks = dict(logger=dict(interval=1),
                             checkpoint=dict(interval=1))
        log_processor = dict(window_size=1)
        """, extra)


def tiny_simsiam_config(tmp_dir, data_root, extra: str = '') -> str:
    """SimSiam with a ResNet-18 on two 48 px views of the tiny set."""
    return write_config(
        osp.join(str(tmp_dir), 'tiny_simsiam.py'), f"""
        _base_ = {osp.join(CONFIGS, 'xray', 'simsiam_r50.py')!r}
        data_root = {str(data_root)!r}
        synthetic = {TINY_SYNTHETIC!r}
        img_size = 48
        load = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
        view = [dict(type='mmpretrain.RandomResizedCrop', scale=img_size,
                     crop_ratio_range=(0.2, 1.0), backend='pillow'),
                dict(type='mmpretrain.RandomFlip', prob=0.5)]
        train_dataloader = dict(
            batch_size=2, num_workers=0, persistent_workers=False,
            dataset=dict(data_root=data_root, synthetic=synthetic, pipeline=[
                load,
                dict(type='mmpretrain.MultiView', num_views=2,
                     transforms=[view]),
                dict(type='mmpretrain.PackInputs')]))
        test_dataloader = dict(
            batch_size=2, num_workers=0,
            dataset=dict(data_root=data_root, synthetic=synthetic, pipeline=[
                load,
                dict(type='mmpretrain.MultiView', num_views=2, transforms=[[
                    dict(type='mmpretrain.Resize', scale=img_size)]]),
                dict(type='mmpretrain.PackInputs')]))
        model = dict(
            backbone=dict(depth=18),
            neck=dict(in_channels=512, hid_channels=64, out_channels=64),
            head=dict(predictor=dict(in_channels=64, hid_channels=16,
                                     out_channels=64)))
        train_cfg = dict(max_epochs=2)
        default_hooks = dict(logger=dict(interval=1),
                             checkpoint=dict(interval=1))
        log_processor = dict(window_size=1)
        """, extra)


def start_train(cfg, work_dir, *args) -> subprocess.Popen:
    """``tools/train.py CFG --work-dir WORK_DIR ARGS`` in a child process
    (``tests/helpers/`` on its path, for ``toy_modules``; one thread unless
    ``OMP_NUM_THREADS`` says otherwise, as in-process runs), output
    piped."""
    env = dict(
        os.environ,
        OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '1'),
        PYTHONPATH=os.pathsep.join([
            osp.join(REPO_ROOT, 'tests', 'helpers'),
            os.environ.get('PYTHONPATH', '')
        ]))
    return subprocess.Popen([
        sys.executable, 'tools/train.py',
        str(cfg), '--work-dir',
        str(work_dir), *args
    ],
                            cwd=REPO_ROOT,
                            env=env,
                            text=True,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def run_cli(args, cwd=REPO_ROOT, env_extra=None, timeout=600):
    """Run a command; on failure show its output in the assertion."""
    env = dict(os.environ)
    env.setdefault('OMP_NUM_THREADS', '1')
    if env_extra:
        env.update(env_extra)
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout)
    assert proc.returncode == 0, (
        f'{" ".join(map(str, args))} failed ({proc.returncode}):\n'
        f'{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}')
    return proc


@pytest.fixture(autouse=True)
def _loader_workers_end():
    """A test's data-loader worker processes end with it (see
    ``tests.helpers.in_process.loader_workers_end``: 5 s each otherwise)."""
    from tests.helpers.in_process import loader_workers_end
    with loader_workers_end():
        yield


@pytest.fixture(scope='session')
def xray_root(tmp_path_factory):
    """The tiny synthetic X-ray data set, generated once per session."""
    from defectzoo.datasets.synthetic.writers import generate_synthetic_xray
    root = tmp_path_factory.mktemp('synthetic_xray')
    out = osp.join(str(root), 'xray')
    generate_synthetic_xray(out, **TINY_SYNTHETIC)
    return out


PYTHON = sys.executable
