"""End to end, its fold runs too in this process: tools/analysis_tools/
kfold.py on a tiny folder-per-class set (3 classes x 6 images, 32 px),
3 folds, 1 epoch, then a resume."""
import csv
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.cli import kfold
from tests.conftest import CONFIGS, write_config
from tests.helpers import in_process
from tests.helpers.in_process import run_main

CLASSES = ('crack', 'ok', 'spot')


@pytest.fixture
def folder_dataset(tmp_path):
    """<root>/<class>/<i>.png, grey level by class."""
    rng = np.random.default_rng(0)
    root = tmp_path / 'data'
    for c, name in enumerate(CLASSES):
        os.makedirs(root / name)
        for i in range(6):
            img = rng.integers(0, 60, (32, 40), dtype=np.uint8) + 90 * c
            cv2.imwrite(str(root / name / f'{i}.png'), img)
    return root


MVGG19_MAGNETIC_TILE = 'mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'


def tiny_config(tmp_path, data_root):
    """The magnetic-tile MVGG19 config cut down: VGG blocks 1-3, random
    init, a 16-unit head, 32 px, batch 4, 1 epoch."""
    return write_config(
        tmp_path / 'tiny_mvgg19.py', f"""
        _base_ = {osp.join(CONFIGS, 'mvgg19', MVGG19_MAGNETIC_TILE)!r}
        train_pipeline = [
            dict(type='LoadImageFromFile', to_float32=True),
            dict(type='mmpretrain.Resize', scale=(32, 32)),
            dict(type='mmpretrain.RandomFlip', prob=0.5),
            dict(type='mmpretrain.PackInputs')]
        test_pipeline = [
            dict(type='LoadImageFromFile', to_float32=True),
            dict(type='mmpretrain.Resize', scale=(32, 32)),
            dict(type='mmpretrain.PackInputs')]
        model = dict(
            data_preprocessor=dict(num_classes=3),
            backbone=dict(taps=('pool1', 'pool2', 'conv3_1'),
                          frozen_stages=-1,
                          init_cfg=dict(type='Kaiming', layer='Conv2d',
                                        _delete_=True)),
            neck=dict(in_channels=(64, 128, 256)),
            head=dict(num_classes=3, in_channels=448, mid_channels=(16, )))
        train_dataloader = dict(
            batch_size=4, num_workers=0, persistent_workers=False,
            dataset=dict(type='mmpretrain.CustomDataset',
                         data_root={str(data_root)!r},
                         pipeline=train_pipeline))
        train_cfg = dict(max_epochs=1)
        default_hooks = dict(logger=dict(interval=1))
        """)


def test_kfold_tool_end_to_end_and_resume(tmp_path, folder_dataset,
                                          monkeypatch):
    in_process.child_runs_in_process(monkeypatch)
    cfg = tiny_config(tmp_path, folder_dataset)
    work_dir = tmp_path / 'kfold'
    cmd = [
        cfg, '--folds', '3', '--seed', '0', '--work-dir',
        str(work_dir), '--cfg-options', 'train_cfg.max_epochs=1'
    ]
    proc = run_main(kfold, cmd)
    assert proc.stdout.count('training on 12, testing on 6 images') == 3

    with open(work_dir / 'folds.json') as f:
        split = json.load(f)
    assert split['classes'] == list(CLASSES)
    labels = np.array(split['labels'])
    for fold in split['folds']:  # stratified: 2 of each class per fold
        assert sorted(labels[fold].tolist()) == [0, 0, 1, 1, 2, 2]

    with open(work_dir / 'kfold.csv') as f:
        rows = list(csv.DictReader(f))
    assert [r['fold'] for r in rows] == ['0', '1', '2', 'mean', 'std']
    assert all(r['status'] == 'ok' for r in rows[:3])
    for row in rows:
        for col in ('accuracy', 'precision', 'recall', 'f1', 'auc'):
            value = float(row[col])
            assert 0.0 <= value <= 100.0, (row['fold'], col, value)
    accs = [float(r['accuracy']) for r in rows[:3]]
    assert float(rows[3]['accuracy']) == pytest.approx(np.mean(accs), abs=1e-3)
    results = [
        json.load(open(work_dir / f'fold{k}' / 'result.json'))
        for k in range(3)
    ]
    assert sum(np.sum(r['confusion']) for r in results) == 18
    with open(work_dir / 'confusion_matrix.png', 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert 'mean±std' in proc.stdout

    # resume: every fold's result.json exists, nothing is trained again
    stamps = {
        k: os.path.getmtime(work_dir / f'fold{k}' / 'result.json')
        for k in range(3)
    }
    logs = {k: sorted(os.listdir(work_dir / f'fold{k}')) for k in range(3)}
    again = run_main(kfold, cmd)
    assert again.stdout.count('done earlier') == 3
    assert 'training on' not in again.stdout
    assert stamps == {
        k: os.path.getmtime(work_dir / f'fold{k}' / 'result.json')
        for k in range(3)
    }
    assert logs == {
        k: sorted(os.listdir(work_dir / f'fold{k}'))
        for k in range(3)
    }

    # another seed in the same work dir is refused, not mixed in
    other = [cfg, '--folds', '3', '--seed', '1', '--work-dir', str(work_dir)]
    assert 'another split' in run_main(
        kfold, other, expect_failure=True).output
