"""Fail loud, lose nothing: a diverging run stops and keeps its last finite
checkpoint; setup errors end with one message; checkpoints that do not fit
the model are refused; config options that would do nothing are refused;
``--data-root`` moves every dataloader and evaluator."""
import importlib
import logging
import os
import os.path as osp
import sys
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from torch import nn

from defectzoo.cli.config_options import check_cfg_options
from defectzoo.cli.errors import safe_text
from defectzoo.engine.hooks import CheckFiniteHook, RandomStateHook
from defectzoo.engine.hooks.check_finite_hook import (NonFiniteError,
                                                      first_non_finite)
from defectzoo.utils.checkpoint import CheckpointError, check_checkpoint_fits
from defectzoo.utils.data_root import set_data_root
from tests.conftest import CONFIGS, REPO_ROOT
from tests.helpers import in_process

TESTS_DIR = osp.join(REPO_ROOT, 'tests', 'helpers')  # toy_modules

# 16 samples, batch 4: 4 iterations an epoch; a checkpoint every epoch.
TOY = """
custom_imports = dict(imports=['defectzoo', 'toy_modules'],
                      allow_failed_imports=False)
model = dict(type='ToyModel')
loader = dict(batch_size=4, num_workers=0, dataset=dict(type='ToyDataset'),
              sampler=dict(type='DefaultSampler', shuffle=False),
              collate_fn=dict(type='default_collate'))
train_dataloader = loader
test_dataloader = loader
test_evaluator = dict(type='ToyMSE')
test_cfg = dict()
train_cfg = dict(by_epoch=True, max_epochs={max_epochs})
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1),
    logger=dict(type='LoggerHook', interval=1))
custom_hooks = [dict(type='defectzoo.RandomStateHook'),
                dict(type='defectzoo.CheckFiniteHook'),
                dict(type='defectzoo.CheckpointFitHook')]
randomness = dict(seed=0)
"""


def toy_config(tmp_path, name='toy.py', max_epochs=2, extra=''):
    path = tmp_path / name
    path.write_text(TOY.format(max_epochs=max_epochs) + extra)
    return str(path)


def cli(tool, *args, console=False):
    """``tools/<tool>.py ARGS`` in this process (``run_main``; ``console``:
    through a UTF-8 terminal's streams): (exit status, stdout + stderr)."""
    if TESTS_DIR not in sys.path:  # custom_imports: toy_modules
        sys.path.insert(0, TESTS_DIR)
    module = importlib.import_module(f'defectzoo.cli.{tool}')
    saved = os.environ.pop('DEFECTZOO_DEBUG', None)
    try:
        result = in_process.run_main(
            module, [str(a) for a in args],
            expect_failure=None,
            console=console)
    finally:
        if saved is not None:
            os.environ['DEFECTZOO_DEBUG'] = saved
    return result.returncode, result.output


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A 1-epoch toy training: (config, checkpoint)."""
    tmp = tmp_path_factory.mktemp('trained')
    cfg = toy_config(tmp, max_epochs=1)
    rc, out = cli('train', cfg, '--work-dir', tmp / 'work')
    assert rc == 0, out
    return cfg, str(tmp / 'work' / 'epoch_1.pth')


# 1. NaN / Inf stops the run; the last finite checkpoint survives rotation.
def test_nan_loss_stops_and_keeps_last_finite_checkpoint(tmp_path):
    cfg = toy_config(
        tmp_path,
        max_epochs=5,
        extra=("model = dict(type='ToyModel', nan_from_iter=10)\n"))
    work_dir = tmp_path / 'w'
    rc, out = cli('train', cfg, '--work-dir', work_dir)
    assert rc == 1, out
    assert 'non-finite loss at iteration 10 (epoch 3): loss_mse = nan' \
        in out, out
    assert 'Training stopped after 9 iteration(s), 2 epoch(s) completed' \
        in out, out
    assert 'Traceback' not in out, out
    # max_keep_ckpts=1: epoch_1 was rotated away by epoch_2, which is
    # finite and kept; nothing of the diverged epoch 3 was saved
    assert sorted(f for f in os.listdir(work_dir)
                  if f.endswith('.pth')) == ['epoch_2.pth']
    state = torch.load(
        work_dir / 'epoch_2.pth', weights_only=False)['state_dict']
    assert all(torch.isfinite(v).all() for v in state.values())


def test_stopped_line_with_a_non_utf8_file_name(tmp_path):
    cfg = toy_config(
        tmp_path,
        extra=(
            "train_dataloader = dict(loader, dataset=dict(type='ToyDataset', "
            'missing_at=6))\n'))
    rc, out = cli('train', cfg, '--work-dir', tmp_path / 'w', console=True)
    assert rc == 1, out
    assert 'Training stopped after 1 iteration(s), 0 epoch(s) completed: ' \
        'FileNotFoundError: ' \
        "[Errno 2] No such file: 'sample-\\udcff.png'" in out, out
    assert 'Logging error' not in out, out


def test_non_utf8_work_dir_is_refused(tmp_path):
    rc, out = cli('train', toy_config(tmp_path), '--work-dir',
                  tmp_path / os.fsdecode(b'run-\xff'))
    assert rc == 1 and 'not valid UTF-8' in out, out


def test_non_finite_weights_are_never_saved():
    model = nn.Linear(2, 2)
    assert first_non_finite(model.state_dict().items()) is None
    with torch.no_grad():
        model.bias[1] = float('inf')
    assert first_non_finite(model.state_dict().items()) == 'bias'
    hook = CheckFiniteHook()
    runner = SimpleNamespace(model=model, iter=7, epoch=1)
    with pytest.raises(NonFiniteError, match='after iteration 8 .*: bias'):
        hook.after_train_iter(
            runner,
            0,
            outputs=dict(
                loss=torch.tensor(1.0), acc=torch.tensor(float('nan'))))
    with pytest.raises(NonFiniteError, match='refusing to save'):
        hook.before_save_checkpoint(runner,
                                    dict(state_dict=model.state_dict()))


# 2. Setup errors: one clear message, exit code 1, no chained traceback.
def test_setup_error_is_one_message(tmp_path):
    rc, out = cli('train', toy_config(tmp_path), '--work-dir', tmp_path / 'w',
                  '--cfg-options', 'train_dataloader.dataset.nonexistent=1')
    assert rc == 1, out
    assert ('Could not start training: TypeError: ToyDataset.__init__() got '
            "an unexpected keyword argument 'nonexistent'") in out, out
    assert 'Traceback' not in out and 'During handling' not in out, out


def test_training_set_smaller_than_one_batch_is_named(tmp_path):
    """drop_last with fewer samples than a batch: no iteration per epoch;
    said in those words, not as the scheduler's 'epoch_length ... got 0'."""
    cfg = toy_config(
        tmp_path,
        extra=("train_dataloader = dict(loader, batch_size=32, "
               "drop_last=True)\n"
               "param_scheduler = dict(type='LinearLR', by_epoch=True, "
               "convert_to_iter_based=True)\n"))
    rc, out = cli('train', cfg, '--work-dir', tmp_path / 'w')
    assert rc == 1, out
    assert ('Could not start training: ValueError: the training set has 16 '
            'sample(s), fewer than one batch of 32') in out, out
    assert 'train_dataloader.batch_size' in out and 'Traceback' not in out


@pytest.mark.parametrize('option, message', [
    ({
        'train_dataloader.batch_size': 'abc'
    }, "'batch_size' must be a number (the config has 128), got 'abc'"),
    ({
        'optim_wrapper.optimizer.lr': 'abc'
    }, "'lr' must be a number (the config has 0.0004), got 'abc'"),
])
def test_non_numeric_values_are_refused(option, message):
    cfg = Config.fromfile(osp.join(CONFIGS, 'xray', 'simmim_swin.py'))
    with pytest.raises(SystemExit) as err:
        check_cfg_options(cfg, option)
    assert message in str(err.value)


def test_bad_data_at_setup_is_one_message(tmp_path):
    ann = tmp_path / 'ann.json'
    ann.write_text('{"images": [')
    cfg = toy_config(
        tmp_path,
        extra=(f"train_dataloader = dict(loader, dataset=dict("
               f"type='defectzoo.CocoDetDataset', ann_file={str(ann)!r}))\n"))
    rc, out = cli('train', cfg, '--work-dir', tmp_path / 'w')
    assert rc == 1, out
    assert f'Could not start training: InvalidDataError: {ann}: malformed ' \
        'JSON' in out, out
    assert 'Traceback' not in out, out


# 5. Checkpoints that do not fit the model.
def test_check_checkpoint_fits():
    model = nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1))
    model.register_buffer('gallery', torch.zeros(0, 3))  # sized by ckpt
    state = dict(model.state_dict())
    state['gallery'] = torch.zeros(5, 3)
    assert check_checkpoint_fits(model, dict(state, extra=torch.ones(1)),
                                 'a.pth') == ['extra']
    with pytest.raises(
            CheckpointError,
            match=r"a\.pth: .*none of the "
            r"model's 5 weights is in the checkpoint"):
        check_checkpoint_fits(model, {'x.weight': torch.ones(1)}, 'a.pth')
    wider = nn.Sequential(nn.Linear(2, 8), nn.Linear(8, 1)).state_dict()
    del state['1.bias']
    with pytest.raises(CheckpointError) as err:
        check_checkpoint_fits(model,
                              dict(state, **{'0.weight': wider['0.weight']}),
                              'b.pth')
    assert '1 missing from the checkpoint: 1.bias' in str(err.value)
    assert '0.weight: checkpoint [8, 2] vs model [4, 2]' in str(err.value)
    # a DDP-saved checkpoint ('module.' prefix) fits
    check_checkpoint_fits(model, {
        f'module.{k}': v
        for k, v in model.state_dict().items()
    })


def run_test(cfg_path, ckpt, work_dir):
    """``Runner.test()`` in-process, as tools/test.py builds it."""
    from mmengine.runner import Runner
    if TESTS_DIR not in sys.path:  # custom_imports: toy_modules
        sys.path.insert(0, TESTS_DIR)
    cfg = Config.fromfile(cfg_path)
    cfg.work_dir, cfg.load_from = str(work_dir), str(ckpt)
    cfg.experiment_name = osp.basename(str(work_dir))
    return Runner.from_cfg(cfg).test()


def test_test_refuses_checkpoints_that_do_not_fit(tmp_path, trained):
    cfg, ckpt = trained
    assert 'toy/mse' in run_test(cfg, ckpt, tmp_path / 'ok')
    wide = toy_config(
        tmp_path,
        'wide.py',
        extra=("model = dict(type='ToyModel', hidden=16)\n"))
    with pytest.raises(CheckpointError) as err:
        run_test(wide, ckpt, tmp_path / 'wide')
    assert 'linear1.weight: checkpoint [8, 2] vs model [16, 2]' in str(
        err.value)
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(CheckpointError, match=f'{empty}: empty checkpoint'):
        run_test(cfg, empty, tmp_path / 'empty')


def test_test_tool_foreign_checkpoint(tmp_path, trained):
    cfg, ckpt = trained
    foreign = tmp_path / 'foreign.pth'
    torch.save(
        dict(state_dict={'backbone.conv.weight': torch.ones(3)}), foreign)
    rc, out = cli('test', cfg, foreign, '--work-dir', tmp_path / 't')
    assert rc == 1 and 'toy/mse' not in out, out
    assert f"{foreign}: the checkpoint does not fit the model (ToyModel): " \
        "none of the model's 4 weights is in the checkpoint" in out, out
    assert 'Traceback' not in out, out


def test_test_tool_truncated_checkpoint(tmp_path, trained):
    cfg, ckpt = trained
    data = open(ckpt, 'rb').read()
    bad = tmp_path / 'truncated.pth'
    bad.write_bytes(data[:len(data) // 2])
    rc, out = cli('test', cfg, bad, '--work-dir', tmp_path / 't')
    assert rc == 1, out
    lines = [line for line in out.splitlines() if str(bad) in line]
    assert lines and 'CheckpointError' in lines[-1], out
    assert 'truncated or corrupt' in lines[-1], out
    assert 'Traceback' not in out, out


def test_resume_from_foreign_checkpoint(tmp_path):
    foreign = tmp_path / 'foreign.pth'
    torch.save(
        dict(
            state_dict={'backbone.conv.weight': torch.ones(3)},
            meta=dict(epoch=1, iter=4)), foreign)
    rc, out = cli('train', toy_config(tmp_path), '--work-dir', tmp_path / 'w',
                  '--resume', foreign)
    assert rc == 1, out
    assert 'Could not start training: CheckpointError: ' in out, out
    assert "none of the model's 4 weights" in out, out
    assert 'parameter groups' not in out and 'Traceback' not in out, out


# 6. Resume under persistent workers says it is not bit-identical.
@pytest.mark.parametrize('persistent, workers, warned', [(True, 2, True),
                                                         (False, 2, False),
                                                         (True, 0, False)])
def test_resume_warns_under_persistent_workers(persistent, workers, warned):
    logger = MMLogger.get_instance('dz_persistent_test')
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    runner = SimpleNamespace(
        _resume=True,
        train_dataloader=SimpleNamespace(
            persistent_workers=persistent, num_workers=workers))
    RandomStateHook().after_load_checkpoint(
        runner, dict(meta=dict(iter=4), random_states=None))
    logger.removeHandler(handler)
    assert any('not bit-identical' in r.getMessage()
               for r in records) == warned


# 8. Options that would do nothing; --data-root.
def test_top_level_variables_are_refused():
    cfg = Config.fromfile(osp.join(CONFIGS, 'xray', 'simmim_swin.py'))
    with pytest.raises(
            SystemExit,
            match=r"'data_root' is not read .* "
            r'train_dataloader\.dataset\.data_root.*--data-root'):
        check_cfg_options(cfg, {'data_root': '/x'})
    with pytest.raises(SystemExit, match=r"'batch_size' is not read"):
        check_cfg_options(cfg, {'batch_size': 4})
    check_cfg_options(cfg, {'work_dir': 'w', 'load_from': None})
    check_cfg_options(cfg, {'my_key': 1}, extra_top_level_keys=['my_key'])
    # a top-level key named by a hook (ReferenceGalleryHook) is read
    scl = Config.fromfile(
        osp.join(CONFIGS, 'scl_arcmargin',
                 'scl-arcmargin_r50_1xb32-adam-100e_neu-20shot-224px.py'))
    check_cfg_options(scl, {'gallery_dataloader.batch_size': 8})


def test_data_root_moves_loaders_and_evaluators():
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'xray',
                 'faster-rcnn-fpn_r50-imagenet_1xb2-sgd-1x_gdxray-768px.py'))
    set_data_root(cfg, '/new/gdx')
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[name].dataset
        assert dataset.data_root == '/new/gdx', name
        assert dataset.ann_file.startswith('annotations/'), name
    for name in ('val_evaluator', 'test_evaluator'):
        assert cfg[name].ann_file == '/new/gdx/annotations/test.json'


def test_data_root_option_is_used(tmp_path):
    cfg = osp.join(CONFIGS, 'xray',
                   'faster-rcnn-fpn_r50-imagenet_1xb2-sgd-1x_gdxray-768px.py')
    new_root = tmp_path / 'elsewhere'
    rc, out = cli('test', cfg, tmp_path / 'none.pth', '--work-dir',
                  tmp_path / 't', '--data-root', new_root)
    assert rc == 1, out
    assert ('Testing failed: InvalidDataError: '
            f'{new_root}/annotations/test.json: missing annotation file') \
        in out, out
    assert 'Traceback' not in out, out


def test_safe_text():
    assert safe_text(os.fsdecode(b'a\xffb')) == 'a\\udcffb'
