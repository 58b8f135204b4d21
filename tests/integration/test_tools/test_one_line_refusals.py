"""One-line refusals: every tool of ``tools/`` that loads a checkpoint,
given an unsafe one (a pickle that would run code), a truncated one or one
of another model, exits with code 1 and one line naming the file and the
problem, without a traceback (``DEFECTZOO_DEBUG=1``: the traceback).

The tools' ``main`` (``defectzoo.cli.<tool>``) runs as the console script
would, in this process (``tests.helpers.in_process``): importing torch +
OpenMMLab costs ~10 s a process on 2 cores, a run here ~1 s. Real
``python tools/...`` processes check the script, what reaches the console
and ``DEFECTZOO_DEBUG=1``.
"""
import importlib
import os
import os.path as osp
import re
import shlex
import subprocess
import sys

import pytest
import torch

from tests.conftest import REPO_ROOT
from tests.helpers import in_process
from tests.helpers.lightweight_fixtures import (make_folder_dataset,
                                                tiny_cls_config,
                                                tiny_scl_gallery_model)
from tests.integration.test_tools.test_sample_defects import tiny_gan_config

# pytest -n: the module's fixture (every case's run) is made once
pytestmark = pytest.mark.xdist_group('one_line_refusals')

#: (tool, where its one line goes): ``tools/train.py`` / ``test.py`` log it
#: (console: stdout, and the run's log file), the others print to stderr
TOOLS = {
    'train': 'stdout',
    'test': 'stdout',
    'infer': 'stderr',
    'few_shot_eval': 'stderr',
    'kfold': 'stderr',
    'small_data': 'stderr',
    'quantize': 'stderr',
    'export_onnx': 'stderr',
    'build_gallery': 'stderr',
    'fit_ood': 'stderr',
    'publish_model': 'stderr',
    'sample_defects': 'stderr',
    'selfsup_to_det': 'stderr',
    'vis_cam': 'stderr',
}
#: tools that load a checkpoint into a model which it must fit (kfold /
#: small_data: ``load_from`` starts a training, partial by design; publish /
#: convert: no model; build_gallery: loads the weights it has, strict=False)
FITTING = ('train', 'test', 'infer', 'few_shot_eval', 'quantize',
           'export_onnx', 'fit_ood', 'sample_defects', 'vis_cam')
PROBLEMS = {
    'unsafe': 'UnsafeCheckpointError: Refusing to load checkpoint {}: it '
    'contains non-allow-listed object(s): posix.system',
    'truncated': 'CheckpointError: {}: not a readable checkpoint, the file is '
    'truncated or corrupt',
    'foreign': 'CheckpointError: {}: the checkpoint does not fit the model',
}
CASES = [(tool, kind) for tool in TOOLS for kind in PROBLEMS
         if kind != 'foreign' or tool in FITTING]
TIMEOUT = 120  # seconds, a tool's process


class Payload:
    """Unpickling this runs a shell command: creating ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.system, (f'touch {shlex.quote(self.marker)}', )


def tool_args(tool, ckpt, tmp, cfgs):
    """The arguments of ``tool`` for loading ``ckpt`` (else minimal)."""
    out, cls, img = str(tmp / 'out'), cfgs['cls'], cfgs['image']
    return {
        'train': [cls, '--work-dir', out, '--resume', ckpt],
        'test': [cls, ckpt, '--work-dir', out],
        'infer': [cls, ckpt, img, '--out-dir', out, '--no-progress'],
        'few_shot_eval': [cls, ckpt, '--work-dir', out, '--episodes', '1'],
        'kfold': [
            cls, '--folds', '2', '--fold', '0', '--work-dir', out,
            '--cfg-options', f'load_from={ckpt}'
        ],
        'small_data': [
            cfgs['k_shot'], '--run', '1', '0', '--work-dir', out,
            '--cfg-options', f'load_from={ckpt}'
        ],
        'quantize': [cls, ckpt, '--out', out, '--no-eval', '--calib', '1'],
        'export_onnx': [cls, ckpt, '--out', out + '.onnx'],
        'build_gallery':
        [cfgs['scl'], ckpt, '--folder', cfgs['data'], '--out', out + '.pth'],
        'fit_ood': [cls, ckpt, '--out', out + '.pth'],
        'publish_model': [ckpt, out + '.pth'],
        'sample_defects': [cfgs['gan'], ckpt, '--out', out, '--num', '1'],
        'selfsup_to_det': [ckpt, out + '.pth'],
        'vis_cam': [cls, ckpt, img, '--out-dir', out],
    }[tool]


def env(**extra):
    """The tools' environment: the repository importable, one thread, no
    ``DEFECTZOO_DEBUG`` unless in ``extra``."""
    env = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        PYTHONPATH=os.pathsep.join(
            [REPO_ROOT, os.environ.get('PYTHONPATH', '')]))
    env.pop('DEFECTZOO_DEBUG', None)
    return dict(env, **extra)


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """Configs, checkpoints (``unsafe`` with a payload, ``truncated``,
    ``foreign``: another model's) and the marker the payload would
    create."""
    tmp = tmp_path_factory.mktemp('refusals')
    data = make_folder_dataset(tmp / 'data', per_class=2, size=32)
    cls = tiny_cls_config(tmp / 'cls.py', data)
    cfgs = dict(
        data=data,
        image=osp.join(data, 'ok', '0.png'),
        cls=cls,
        scl=str(tmp / 'scl.py'),
        k_shot=str(tmp / 'k_shot.py'),
        gan=tiny_gan_config(tmp, str(data)))
    with open(cfgs['scl'], 'w') as f:
        f.write(f'_base_ = {cls!r}\n'
                f'model = dict(_delete_=True, **{tiny_scl_gallery_model()!r})'
                '\n')
    with open(cfgs['k_shot'], 'w') as f:
        f.write(f'_base_ = {cls!r}\n'
                'train_dataloader = dict(dataset=dict(_delete_=True, '
                "type='KPerClassSubset', k=1, seed=0, "
                'dataset=_base_.dataset))\n')
    marker = tmp / 'PAYLOAD-RAN'
    ckpts = {kind: str(tmp / f'{kind}.pth') for kind in PROBLEMS}
    torch.save(
        dict(
            state_dict={'linear.weight': torch.ones(4, 4)},
            meta=dict(note=Payload(marker))), ckpts['unsafe'])
    torch.save(
        dict(state_dict={'linear.weight': torch.ones(64, 64)}),
        ckpts['truncated'])
    with open(ckpts['truncated'], 'rb') as f:
        data = f.read()
    with open(ckpts['truncated'], 'wb') as f:
        f.write(data[:len(data) // 2])
    torch.save(
        dict(state_dict={'backbone.conv.weight': torch.ones(3)}),
        ckpts['foreign'])
    return tmp, cfgs, ckpts, marker


@pytest.fixture(scope='module')
def results(setup):
    """Every case, each tool's ``main`` in this process:
    {(tool, kind): Completed}."""
    tmp, cfgs, ckpts, _ = setup
    debug = os.environ.pop('DEFECTZOO_DEBUG', None)
    try:
        done = {}
        for tool, kind in CASES:
            run = tmp / f'{tool}-{kind}'
            run.mkdir()
            done[(tool, kind)] = in_process.run_main(
                importlib.import_module(f'defectzoo.cli.{tool}'),
                tool_args(tool, ckpts[kind], run, cfgs),
                expect_failure=None,
                cwd=str(run))
        return done
    finally:
        if debug is not None:
            os.environ['DEFECTZOO_DEBUG'] = debug


def lines(text: str) -> list:
    """The lines of ``text``, less empty lines and Python warnings (a
    ``...Warning: ...`` line and the source line under it)."""
    kept, warning = [], False
    for line in text.splitlines():
        if warning and line.startswith(' '):
            continue
        warning = bool(re.search(r'\w+Warning: ', line))
        if line.strip() and not warning:
            kept.append(line)
    return kept


@pytest.mark.parametrize('tool, kind', CASES)
def test_one_line_refusal(tool, kind, setup, results):
    _, _, ckpts, marker = setup
    run = results[(tool, kind)]
    out, err = run.stdout, run.stderr
    both = f'--- stdout\n{out}\n--- stderr\n{err}'
    assert run.returncode == 1, both
    assert 'Traceback' not in both, both
    problem = PROBLEMS[kind].format(ckpts[kind])
    said = [line for line in (out + err).splitlines() if problem in line]
    assert len(said) == 1, both
    stream = TOOLS[tool]
    assert lines(err) == (said if stream == 'stderr' else []), both
    assert not marker.exists(), 'the payload ran'


@pytest.mark.parametrize('debug', [False, True])
def test_debug_shows_the_traceback(setup, tmp_path, debug):
    """A real ``python tools/...`` process; ``DEFECTZOO_DEBUG=1``: the
    traceback of the refusal."""
    _, _, ckpts, marker = setup
    proc = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'misc', 'publish_model.py'),
        ckpts['unsafe'],
        str(tmp_path / 'out.pth')
    ],
                          env=env(**({
                              'DEFECTZOO_DEBUG': '1'
                          } if debug else {})),
                          capture_output=True,
                          text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 1, proc.stderr
    problem = PROBLEMS['unsafe'].format(ckpts['unsafe'])
    if debug:
        assert 'Traceback (most recent call last)' in proc.stderr
        assert problem in proc.stderr.splitlines()[-1], proc.stderr
    else:
        said = lines(proc.stderr)
        assert len(said) == 1, proc.stderr
        assert said[0].startswith(f'publish_model.py: {problem}'), said
    assert not marker.exists(), 'the payload ran'
