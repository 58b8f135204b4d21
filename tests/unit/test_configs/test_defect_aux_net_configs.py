"""configs/defect_aux_net: every config builds the model it names, the
ablation differs only in attention, the data configs give three-task
samples."""
import glob
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from defectzoo.registry import DATASETS, MODELS
from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config
from tests.helpers.defect_fixtures import make_magnetic_tile

FOLDER = osp.join(CONFIGS, 'defect_aux_net')
ALL = sorted(
    glob.glob(osp.join(FOLDER, '*.py')) +
    glob.glob(osp.join(FOLDER, 'benchmarks', '*.py')))


def tasks_of(path):
    name = osp.basename(path)
    if name.startswith('ce_'):
        return ('cls', )
    if name.startswith('semantic-fpn'):
        return ('seg', )
    if name.startswith('retinanet'):
        return ('det', )
    return ('cls', 'seg', 'det')


def n_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(
    'path', ALL, ids=[osp.relpath(p, FOLDER) for p in ALL])
def test_config_builds_its_model(path):
    cfg = load_config(path)
    init_default_scope('defectzoo')
    model = MODELS.build(cfg.model)
    assert model.tasks == tasks_of(path)
    assert cfg.test_evaluator.type == 'MultiTaskMetric'
    name = osp.basename(path)
    attention = [
        p['cfg']['type'].split('.')[-1]
        for p in (cfg.model.backbone.get('plugins') or [])
    ]
    if '-se-sa-' in name:
        assert attention == ['SEAttention', 'SpatialAttention']
    elif '-se-' in name:
        assert attention == ['SEAttention']
    elif '-sa-' in name:
        assert attention == ['SpatialAttention']
    else:
        assert attention == []
    if tasks_of(path) == ('cls', 'seg', 'det'):
        head = model.det_head.loss_cls
        assert (head.gamma, head.alpha) == (4.0, 0.25)
        assert model.loss_weights == dict(cls=1.0, seg=1.0, det=1.0)


def test_ablation_parameters():
    init_default_scope('defectzoo')
    sizes = {}
    for key in ('fpn', 'se-fpn', 'sa-fpn', 'se-sa-fpn'):
        cfg = load_config(
            osp.join(
                FOLDER, f'defect-aux-net_r50-{key}_1xb8-adam-onecycle-50e_'
                'magnetic-tile-600px.py'))
        sizes[key] = n_params(MODELS.build(cfg.model))
    assert sizes['se-fpn'] - sizes['fpn'] == 2_530_992
    assert sizes['sa-fpn'] - sizes['fpn'] == 16 * 99
    assert sizes['se-sa-fpn'] - sizes['fpn'] == 2_530_992 + 16 * 99


def _check_samples(dataset, n_mask_classes):
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        assert sample.gt_sem_seg.data.max() < n_mask_classes
        assert sample.gt_label.item() == int(len(sample.gt_instances) > 0)
        assert len(sample.instances) == len(sample.gt_instances)


def test_synthetic_config_runs_with_no_data():
    cfg = load_config(
        osp.join(
            FOLDER, 'defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_'
            'synthetic-surface-256px.py'))
    init_default_scope('defectzoo')
    ds = DATASETS.build(dict(cfg.test_dataloader.dataset, num_samples=3))
    assert ds.metainfo['classes'][0] == 'background'
    _check_samples(ds, 6)
    assert cfg.model.seg_head.num_classes == 6
    assert cfg.model.det_head.num_classes == 5


def test_magnetic_tile_config(tmp_path):
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    cfg = load_config(
        osp.join(
            FOLDER, 'defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_'
            'magnetic-tile-600px.py'))
    init_default_scope('defectzoo')
    ds = DATASETS.build(
        dict(cfg.train_dataloader.dataset, data_root=root, split=None))
    _check_samples(ds, 2)
    assert ds[0]['inputs'].shape[-2:] == (600, 600)


def test_severstal_config(tmp_path):
    root = tmp_path / 'severstal'
    for d in ('train_images', 'masks', 'splits'):
        os.makedirs(root / d)
    rng = np.random.default_rng(0)
    for name in ('a', 'b'):
        cv2.imwrite(
            str(root / 'train_images' / f'{name}.jpg'),
            rng.integers(0, 255, (32, 160, 3), dtype=np.uint8))
        mask = np.zeros((32, 160), np.uint8)
        if name == 'a':
            mask[2:6, 10:20] = 1
            mask[10:20, 100:104] = 3
        cv2.imwrite(str(root / 'masks' / f'{name}.png'), mask)
    (root / 'splits' / 'val.txt').write_text('a\nb\n')
    cfg = load_config(
        osp.join(
            FOLDER, 'defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_'
            'severstal-128x800px.py'))
    init_default_scope('defectzoo')
    ds = DATASETS.build(dict(cfg.test_dataloader.dataset, data_root=str(root)))
    _check_samples(ds, 5)
    a = ds[0]['data_samples']
    assert a.gt_instances.labels.tolist() == [0, 2]
    assert a.gt_instances.bboxes.tensor.tolist() == [[10, 2, 20, 6],
                                                     [100, 10, 104, 20]]
