"""End to end through the stock tools: train -> checkpoint -> test."""
import json
import os.path as osp
import re

import pytest
import torch

from defectzoo.cli import test as test_cli
from tests.helpers.in_process import run_main


def _scalars(work_dir):
    """The per-iteration records mmengine logged to vis_data/scalars.json."""
    [path] = [
        osp.join(root, f) for root, _, files in __import__('os').walk(work_dir)
        for f in files if f == 'scalars.json'
    ]
    with open(path) as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize(
    'kind', ['simmim', 'simsiam'], ids=['simmim_swin', 'simsiam_resnet'])
def test_train_then_test(tmp_path, trained_ssl, kind):
    # tools/train.py on the tiny config (the session's shared training)
    cfg, work_dir = trained_ssl(kind)
    # 8 unlabelled images, batch 2, 2 epochs = 8 iterations, a checkpoint
    # per epoch, losses logged at every iteration
    records = [r for r in _scalars(work_dir) if 'loss' in r]
    assert [r['iter'] for r in records] == list(range(1, 9))
    assert all(torch.isfinite(torch.tensor(r['loss'])) for r in records)
    ckpt_path = work_dir / 'epoch_2.pth'
    ckpt = torch.load(ckpt_path, map_location='cpu', weights_only=True)
    assert ckpt['meta']['epoch'] == 2 and ckpt['meta']['iter'] == 8
    assert any(k.startswith('backbone.') for k in ckpt['state_dict'])

    out = tmp_path / 'preds.pkl'
    proc = run_main(
        test_cli,
        [cfg, ckpt_path, '--work-dir', tmp_path / 'test', '--out', out])
    found = re.findall(r'selfsup/pretext_loss: (-?[0-9.]+)', proc.output)
    assert found, proc.stdout[-2000:]
    assert out.exists()
