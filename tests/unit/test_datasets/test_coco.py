"""CocoDetDataset: COCO JSON with classes from the file and checked boxes."""
import json
import os.path as osp

import pytest

from defectzoo.datasets.coco import CocoDetDataset
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import make_coco


@pytest.fixture
def coco(tmp_path):
    return make_coco(str(tmp_path / 'coco'))


def _edit(root, fn):
    path = osp.join(root, 'annotations', 'train.json')
    with open(path) as f:
        data = json.load(f)
    fn(data)
    with open(path, 'w') as f:
        json.dump(data, f)
    return path


def test_loads_classes_from_file(coco):
    ds = CocoDetDataset(
        data_root=coco,
        ann_file='annotations/train.json',
        data_prefix=dict(img='images/'))
    assert ds.metainfo['classes'] == ('scratch', 'spot')
    assert len(ds) == 3
    assert [i['bbox']
            for i in ds.get_data_info(0)['instances']] == [[1, 2, 6, 8],
                                                           [10, 10, 14, 14]]
    assert ds.get_data_info(1)['instances'][0]['bbox_label'] == 1
    assert ds.get_data_info(2)['instances'] == []
    sub = CocoDetDataset(
        data_root=coco,
        ann_file='annotations/train.json',
        data_prefix=dict(img='images/'),
        metainfo=dict(classes=('spot', )))
    assert [len(sub.get_data_info(i)['instances'])
            for i in range(3)] == [0, 1, 0]


@pytest.mark.parametrize('edit, problem', [
    (lambda d: d['annotations'][0].update(category_id=7),
     'unknown class: category_id 7'),
    (lambda d: d['annotations'][0].update(bbox=[20, 20, 10, 10]),
     'box outside the image'),
    (lambda d: d['annotations'][0].update(bbox=[3, 3, 0, 5]), 'zero-area box'),
    (lambda d: d['images'][0].update(file_name='gone.png'),
     'missing image file'),
])
def test_bad_annotations(coco, edit, problem):
    json_path = _edit(coco, edit)
    with pytest.raises(InvalidDataError) as info:
        CocoDetDataset(
            data_root=coco,
            ann_file='annotations/train.json',
            data_prefix=dict(img='images/'))
    assert problem in str(info.value)
    assert json_path in str(info.value) or 'gone.png' in str(info.value)


def test_empty_and_missing_file(coco):
    path = osp.join(coco, 'annotations', 'train.json')
    open(path, 'w').close()
    with pytest.raises(InvalidDataError, match='empty annotation file'):
        CocoDetDataset(ann_file=path)
    with pytest.raises(InvalidDataError, match='missing annotation file'):
        CocoDetDataset(ann_file=path + '.x')


def test_coco_config(coco):
    ds = build_dataset(
        base_dataset_cfg(
            'coco_det.py',
            'val_dataloader',
            data_root=coco,
            ann_file='annotations/train.json'))
    assert len(ds) == 3 and ds.metainfo['classes'] == ('scratch', 'spot')
    assert len(ds[0]['data_samples'].gt_instances) == 2
