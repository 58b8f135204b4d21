"""KPerClassSubset: k images per class of a built dataset."""
from collections import Counter

import pytest

from defectzoo.datasets.neu import NEUClsDataset
from defectzoo.datasets.subset import EMPTY_GROUP, primary_label
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import make_magnetic_tile, make_neu


def _labels(ds):
    return Counter(ds.get_data_info(i)['gt_label'] for i in range(len(ds)))


def test_primary_label():
    assert primary_label([]) == EMPTY_GROUP
    assert primary_label([3, 1, 3]) == 3
    assert primary_label([2, 1]) == 1


def test_k_per_class_neu(tmp_path):
    root = make_neu(str(tmp_path / 'neu'), per_class=5)
    inner = dict(type='NEUClsDataset', data_root=root)
    ds = build_dataset(
        dict(type='KPerClassSubset', k=2, seed=0, dataset=inner))
    assert isinstance(ds, NEUClsDataset)  # the dataset itself, cut down
    assert len(ds) == 12 and _labels(ds) == {c: 2 for c in range(6)}
    paths = [ds.get_data_info(i)['img_path'] for i in range(len(ds))]
    again = build_dataset(
        dict(type='KPerClassSubset', k=2, seed=0, dataset=inner))
    assert [again.get_data_info(i)['img_path']
            for i in range(len(again))] == paths
    other = build_dataset(
        dict(type='KPerClassSubset', k=2, seed=1, dataset=inner))
    assert [other.get_data_info(i)['img_path']
            for i in range(len(other))] != paths
    bigger = build_dataset(
        dict(type='KPerClassSubset', k=4, seed=0, dataset=inner))
    assert set(paths) <= {
        bigger.get_data_info(i)['img_path']
        for i in range(len(bigger))
    }
    # more than there are: all of them
    assert len(
        build_dataset(dict(type='KPerClassSubset', k=50, dataset=inner))) == 30
    # the pipeline still runs on the subset
    assert ds[0]['img_path'] in paths


def test_kshot_config(tmp_path):
    root = make_neu(str(tmp_path / 'neu'), per_class=20)
    cfg = base_dataset_cfg('neu_cls_kshot.py')
    cfg['dataset']['data_root'] = root
    ds = build_dataset(cfg)
    # train split: 14 a class, of which k=10
    assert _labels(ds) == {c: 10 for c in range(6)}
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 224, 224)


def test_k_per_class_detection_negatives(tmp_path):
    root = make_magnetic_tile(
        str(tmp_path / 'mt'), {
            'Blowhole': 3,
            'Crack': 1,
            'Free': 4
        })
    inner = dict(type='MagneticTileDetDataset', data_root=root)
    ds = build_dataset(dict(type='KPerClassSubset', k=2, dataset=inner))
    groups = Counter(primary_label(ds.get_cat_ids(i)) for i in range(len(ds)))
    assert groups == {0: 2, 2: 1, EMPTY_GROUP: 2}
    ds = build_dataset(
        dict(type='KPerClassSubset', k=2, dataset=inner, empty_group=False))
    assert len(ds) == 3


def test_another_k_for_some_labels(tmp_path):
    counts = dict(Blowhole=3, Crack=1, Free=5)
    root = make_magnetic_tile(str(tmp_path / 'mt'), counts)
    det = dict(type='MagneticTileDetDataset', data_root=root)

    def paths(ds):
        return {ds.get_data_info(i)['img_path'] for i in range(len(ds))}

    plain = build_dataset(dict(type='KPerClassSubset', k=1, dataset=det))
    ds = build_dataset(
        dict(
            type='KPerClassSubset',
            k=1,
            dataset=det,
            k_by_label={EMPTY_GROUP: 4}))
    groups = Counter(primary_label(ds.get_cat_ids(i)) for i in range(len(ds)))
    assert groups == {0: 1, 2: 1, EMPTY_GROUP: 4}
    assert paths(plain) <= paths(ds)  # the other classes' choice unchanged
    # by folder label (magnetic-tile seg data: Free is folder label 4)
    seg = dict(type='MagneticTileSegDataset', data_root=root)
    ds = build_dataset(
        dict(type='KPerClassSubset', k=1, dataset=seg, k_by_label={4: 3}))
    with pytest.raises(ValueError, match=r'labels \[9\]'):
        build_dataset(
            dict(type='KPerClassSubset', k=1, dataset=seg, k_by_label={9: 3}))
    assert Counter(ds.get_cat_ids(i)[0] for i in range(len(ds))) == {
        0: 1,
        2: 1,
        4: 3
    }
