"""A real 2-process distributed training on the CPU through dist_train.sh."""
import os.path as osp
import socket

import torch

from tests.conftest import REPO_ROOT, run_cli, tiny_simsiam_config

# Saves every rank's parameters at the end of training, so the test can
# check that DDP kept the replicas synchronised.
RANK_DUMP_PLUGIN = '''
import os.path as osp
import torch
from mmengine.dist import get_rank, get_world_size
from mmengine.hooks import Hook
from defectzoo.registry import HOOKS


@HOOKS.register_module()
class DumpRankParams(Hook):
    def after_run(self, runner):
        model = runner.model.module if hasattr(runner.model, 'module') \\
            else runner.model
        torch.save(dict(world_size=get_world_size(),
                        n_samples=len(runner.train_dataloader.sampler),
                        params={k: v.detach().clone()
                                for k, v in model.named_parameters()}),
                   osp.join(runner.work_dir, f'rank{get_rank()}.pth'))
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_process_training_keeps_replicas_in_sync(tmp_path, xray_root):
    (tmp_path / 'dist_plugin.py').write_text(RANK_DUMP_PLUGIN)
    cfg = tiny_simsiam_config(
        tmp_path,
        xray_root,
        extra="""
custom_imports = dict(imports=['defectzoo', 'dist_plugin'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='mmpretrain.SimSiamHook', priority='HIGH',
                     fix_pred_lr=True, lr=0.05),
                dict(type='DumpRankParams')]
train_cfg = dict(max_epochs=1)
""")
    work_dir = tmp_path / 'work'
    run_cli([
        'bash',
        osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), cfg, '2', '--work-dir',
        str(work_dir)
    ],
            env_extra=dict(
                PORT=str(_free_port()), PYTHONPATH=f'{tmp_path}:{REPO_ROOT}'))
    r0 = torch.load(work_dir / 'rank0.pth', weights_only=True)
    r1 = torch.load(work_dir / 'rank1.pth', weights_only=True)
    assert r0['world_size'] == r1['world_size'] == 2
    # the distributed sampler split the 8 images between the two ranks
    assert r0['n_samples'] == r1['n_samples'] == 4
    # gradients were all-reduced: both replicas hold identical weights ...
    assert r0['params'].keys() == r1['params'].keys()
    for k in r0['params']:
        assert torch.equal(r0['params'][k], r1['params'][k]), k
    # ... that training changed (compare with the saved epoch checkpoint's
    # initial conv weights would need a second run; the rank-0 checkpoint
    # must equal the dumped replica instead)
    ckpt = torch.load(work_dir / 'epoch_1.pth', weights_only=True)
    for k, v in r0['params'].items():
        assert torch.equal(ckpt['state_dict'][k], v), k
