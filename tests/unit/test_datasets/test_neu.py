"""NEU: class parsing, NEUClsDataset, NEUDetDataset, split files, configs."""
import os.path as osp

import numpy as np
import pytest

from defectzoo.cli import neu_split as neu_split_cli
from defectzoo.datasets.neu import (NEU_CLASSES, NEUClsDataset, NEUDetDataset,
                                    parse_neu_class)
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import SIZE, make_neu


@pytest.fixture
def neu(tmp_path):
    return make_neu(str(tmp_path / 'neu-det'))


@pytest.mark.parametrize(
    'stem, cls',
    [
        ('rolled-in_scale_12', 'rolled-in_scale'),
        ('rolled-in_scale_1_copy', 'rolled-in_scale'),
        ('pitted_surface_300', 'pitted_surface'),
        ('crazing_1', 'crazing'),
        ('RS_12', 'rolled-in_scale'),  # NEU-CLS short prefixes
        ('PS_3', 'pitted_surface'),
        ('Cr_1', 'crazing'),
        ('rolled-in_12', None),  # split at '_' would say 'rolled-in'
        ('rolled_12', None),
        ('pitted_3', None),
        ('crazing_', None),
        ('crazing', None),
        ('cracks_1', None),
    ])
def test_parse_neu_class(stem, cls):
    assert parse_neu_class(stem) == cls


def test_cls_dataset_counts_and_labels(neu):
    ds = NEUClsDataset(data_root=neu)
    assert len(ds) == 12 and ds.metainfo['classes'] == NEU_CLASSES
    labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
    assert np.bincount(labels).tolist() == [2] * 6
    rolled = [
        ds.get_data_info(i) for i in range(len(ds))
        if 'rolled-in_scale' in ds.get_data_info(i)['img_path']
    ]
    assert len(rolled) == 2
    assert all(d['gt_label'] == NEU_CLASSES.index('rolled-in_scale')
               for d in rolled)


def test_cls_dataset_class_subset(neu):
    ds = NEUClsDataset(
        data_root=neu, metainfo=dict(classes=('scratches', 'crazing')))
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert len(infos) == 4
    for info in infos:
        name = osp.basename(info['img_path'])
        assert info['gt_label'] == (0 if name.startswith('scratches') else 1)


def test_det_dataset_boxes(neu):
    ds = NEUDetDataset(data_root=neu)
    assert len(ds) == 12
    info = [
        ds.get_data_info(i) for i in range(len(ds))
        if ds.get_data_info(i)['img_id'] == 'rolled-in_scale_1'
    ][0]
    assert info['img_path'].endswith(
        osp.join('IMAGES', 'rolled-in_scale_1.jpg'))
    assert (info['height'], info['width']) == (SIZE, SIZE)
    # VOC 1-based (2, 3, 12, 15) -> 0-based (1, 2, 11, 14)
    assert [i['bbox']
            for i in info['instances']] == [[1, 2, 11, 14],
                                            [9, 9, SIZE - 1, SIZE - 1]]
    assert {i['bbox_label'] for i in info['instances']} == {4}
    assert sum(len(ds.get_data_info(i)['instances'])
               for i in range(len(ds))) == 18


def test_split_file_of_ids(neu, tmp_path):
    split = tmp_path / 'ids.txt'
    split.write_text('crazing_2\nrolled-in_scale_1\n\nscratches_1\n')
    ds = NEUDetDataset(data_root=neu, ann_file=str(split))
    assert [ds.get_data_info(i)['img_id'] for i in range(3)
            ] == ['crazing_2', 'rolled-in_scale_1', 'scratches_1']
    ds = NEUClsDataset(data_root=neu, ann_file=str(split))
    assert len(ds) == 3


def test_split_on_the_fly_equals_split_tool(tmp_path):
    root = make_neu(str(tmp_path / 'neu'), per_class=5)
    out = str(tmp_path / 'splits')
    assert neu_split_cli.main([root, '--out-dir', out, '--seed', '3']) == 0
    seen = []
    for split in ('train', 'val', 'test'):
        ds = NEUDetDataset(data_root=root, split=split, split_seed=3)
        ids = [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
        with open(osp.join(out, f'{split}.txt')) as f:
            assert f.read().split() == ids
        if ids:
            from_file = NEUClsDataset(
                data_root=root, ann_file=osp.join(out, f'{split}.txt'))
            assert len(from_file) == len(ids)
        else:  # an empty split file is an error, an empty split is not
            with pytest.raises(InvalidDataError, match='empty split file'):
                NEUClsDataset(
                    data_root=root, ann_file=osp.join(out, f'{split}.txt'))
        seen += ids
    # 5 per class at 0.7 / 0.1 / 0.2 -> 4 / 0 / 1: val is empty; every id once
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 30


def test_configs_build_and_run_pipelines(neu):
    ds = build_dataset(
        base_dataset_cfg('neu_cls.py', data_root=neu, split=None))
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 224, 224)
    assert sample['data_samples'].gt_label.item() == 0
    ds = build_dataset(
        base_dataset_cfg(
            'neu_det.py', 'val_dataloader', data_root=neu, split=None))
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 400, 400)
    boxes = sample['data_samples'].gt_instances.bboxes.tensor
    # test pipeline keeps the boxes at the original scale
    assert boxes.tolist()[0] == [1, 2, 11, 14]
    ds = build_dataset(
        base_dataset_cfg('neu_det.py', data_root=neu, split=None))
    assert len(ds[0]['data_samples'].gt_instances) == 2
