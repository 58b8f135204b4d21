"""Our configs run under mmpretrain's own shipped train tool, unchanged."""
import os.path as osp

import mmpretrain
import torch

from tests.conftest import PYTHON, run_cli, tiny_simmim_config

MMPRETRAIN_TRAIN = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                            'train.py')


def test_mmpretrain_train_tool_runs_a_defectzoo_config(tmp_path, xray_root):
    assert osp.isfile(MMPRETRAIN_TRAIN)
    cfg = tiny_simmim_config(tmp_path, xray_root,
                             extra='train_cfg = dict(max_epochs=1)')
    work_dir = tmp_path / 'work'
    # mmpretrain's tool turns persistent workers on by default; our tiny
    # config loads in the main process, which that option does not allow.
    run_cli([PYTHON, MMPRETRAIN_TRAIN, cfg, '--work-dir', str(work_dir),
             '--no-persistent-workers'], cwd=str(tmp_path))
    ckpt = torch.load(work_dir / 'epoch_1.pth', weights_only=True)
    assert ckpt['meta']['iter'] == 4
    assert 'backbone.mask_token' in ckpt['state_dict']
