"""MixedWM38: the 38-class mapping, rendering, dataset, converter, checks."""
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.cli import mixedwm38_to_folders as mixedwm38_to_folders_cli
from defectzoo.datasets.mixedwm38 import (MIXEDWM38_CLASSES,
                                          MIXEDWM38_PATTERNS, pattern_to_class,
                                          render_wafer_map)
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import (base_dataset_cfg, build_dataset,
                                         run_check_dataset)

# label columns: C D EL ER L NF S R
CENTER_EDGELOC = [1, 0, 1, 0, 0, 0, 0, 0]


def test_38_class_mapping():
    assert len(set(MIXEDWM38_PATTERNS)) == 38
    assert len(set(MIXEDWM38_CLASSES)) == 38
    # 1 normal, 8 single, 13 pairs, 12 triples, 4 quadruples (C1..C38)
    sizes = [sum(p) for p in MIXEDWM38_PATTERNS]
    assert sizes == [0] + [1] * 8 + [2] * 13 + [3] * 12 + [4] * 4
    assert MIXEDWM38_CLASSES[:9] == ('Normal', 'Center', 'Donut', 'Edge_Loc',
                                     'Edge_Ring', 'Loc', 'Near_full',
                                     'Scratch', 'Random')
    assert MIXEDWM38_CLASSES[9] == 'Center+Edge_Loc'  # C10
    assert MIXEDWM38_CLASSES[21] == 'Loc+Scratch'  # C22
    assert MIXEDWM38_CLASSES[22] == 'Center+Edge_Loc+Loc'  # C23
    assert MIXEDWM38_CLASSES[37] == 'Donut+Edge_Ring+Loc+Scratch'  # C38
    assert pattern_to_class(CENTER_EDGELOC) == 9
    assert pattern_to_class([0] * 8) == 0
    assert pattern_to_class([0, 0, 0, 0, 0, 0, 0, 1]) == 8  # Random
    # Near_full and Random never mix; Center and Donut never together
    for p in MIXEDWM38_PATTERNS[9:]:
        assert not p[5] and not p[7] and not (p[0] and p[1])


def test_render_nearest():
    wafer = np.array([[0, 1], [2, 1]])
    img = render_wafer_map(wafer, 4)
    assert img.shape == (4, 4, 3)
    assert img[..., 0].tolist() == [[0, 0, 128, 128], [0, 0, 128, 128],
                                    [255, 255, 128, 128], [255, 255, 128, 128]]
    assert render_wafer_map(wafer, None, channels=1).shape == (2, 2)


def _fake_mixedwm38(n_per_class=5, classes=(0, 1, 9, 37), size=52, seed=0):
    rng = np.random.default_rng(seed)
    maps, labels = [], []
    for c in classes:
        for _ in range(n_per_class):
            maps.append(rng.integers(0, 3, (size, size)))
            labels.append(MIXEDWM38_PATTERNS[c])
    return np.array(maps, np.int32), np.array(labels, np.int32)


@pytest.fixture
def npz(tmp_path):
    path = str(tmp_path / 'Wafer_Map_Datasets.npz')
    np.savez(path, *_fake_mixedwm38())
    return path


def test_dataset_from_base_config(npz):
    cfg = base_dataset_cfg('mixedwm38.py', data_root=osp.dirname(npz))
    assert cfg.split == 'train' and cfg.img_size == 208
    train = build_dataset(dict(cfg, img_size=104))
    test = build_dataset(dict(cfg, split='test', img_size=104))
    # stratified 80/20: round(0.2 * 5) = 1 test map per class
    assert (len(train), len(test)) == (16, 4)
    assert train.metainfo['classes'] == MIXEDWM38_CLASSES
    tr = {train.get_data_info(i)['npz_index'] for i in range(len(train))}
    te = {test.get_data_info(i)['npz_index'] for i in range(len(test))}
    assert not tr & te and len(tr | te) == 20
    assert sorted(test.get_gt_labels().tolist()) == [0, 1, 9, 37]

    maps, labels = _fake_mixedwm38()
    info = train.get_data_info(3)
    expected = render_wafer_map(maps[info['npz_index']], 104)
    assert np.array_equal(info['img'], expected)
    assert info['gt_label'] == pattern_to_class(labels[info['npz_index']])
    sample = train[3]
    assert tuple(sample['inputs'].shape) == (3, 104, 104)
    # small-data subset: k per class from the training split, seeded
    small = build_dataset(dict(cfg, num_per_class=2))
    assert len(small) == 8
    assert all(
        small.get_data_info(i)['npz_index'] in tr for i in range(len(small)))
    again = build_dataset(dict(cfg, num_per_class=2))
    assert [small.get_data_info(i)['npz_index'] for i in range(8)] == \
        [again.get_data_info(i)['npz_index'] for i in range(8)]


def test_converter_to_folders(npz, tmp_path):
    out = str(tmp_path / 'png')
    mixedwm38_to_folders_cli.main([npz, out, '--img-size', '26'])
    classes = open(osp.join(out, 'meta', 'classes.txt')).read().split()
    assert tuple(classes) == MIXEDWM38_CLASSES
    lines = open(osp.join(out, 'meta', 'train.txt')).read().splitlines()
    assert len(lines) == 16
    rel, label = lines[0].rsplit(' ', 1)
    assert rel.split('/')[1] == MIXEDWM38_CLASSES[int(label)]
    img = cv2.imread(osp.join(out, rel), cv2.IMREAD_UNCHANGED)
    assert img.shape == (26, 26) and set(np.unique(img)) <= {0, 128, 255}


@pytest.mark.parametrize('mutate, match', [
    (lambda m, lb: (m[:, :, 0], lb), 'arr_0 must be'),
    (lambda m, lb: (m, lb[:, :7]), 'arr_1 must be'),
    (lambda m, lb: (m, lb[:-1]), 'has 20 maps but arr_1'),
])
def test_wrong_shapes(tmp_path, mutate, match):
    path = str(tmp_path / 'bad.npz')
    np.savez(path, *mutate(*_fake_mixedwm38()))
    with pytest.raises(InvalidDataError, match=match) as exc:
        build_dataset(dict(type='MixedWM38Dataset', ann_file=path))
    assert exc.value.path == path


def test_bad_samples_name_the_file(tmp_path):
    maps, labels = _fake_mixedwm38()
    maps[2, 0, 0] = 3
    maps[3, 0, 0] = 7
    path = str(tmp_path / 'values.npz')
    np.savez(path, maps, labels)
    with pytest.raises(InvalidDataError, match='sample 2 of arr_0') as exc:
        build_dataset(dict(type='MixedWM38Dataset', ann_file=path))
    assert exc.value.path == path
    # the released file's stray 3s: read as 2 (failing die) by value_map
    with pytest.raises(InvalidDataError, match='sample 3 of arr_0'):
        build_dataset(
            dict(type='MixedWM38Dataset', ann_file=path, value_map={3: 2}))
    maps[3, 0, 0] = 1
    np.savez(path, maps, labels)
    ds = build_dataset(
        dict(
            type='MixedWM38Dataset',
            ann_file=path,
            value_map={3: 2},
            img_size=52))
    assert ds.get_data_info(2)['img'][0, 0, 0] == 255

    maps, labels = _fake_mixedwm38()
    labels[4] = [1, 1, 0, 0, 0, 0, 0, 0]  # Center+Donut: not a class
    path = str(tmp_path / 'pattern.npz')
    np.savez(path, maps, labels)
    with pytest.raises(
            InvalidDataError,
            match=r'sample 4 .*Center\+Donut.*not one of the 38'):
        build_dataset(dict(type='MixedWM38Dataset', ann_file=path))
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        ds = build_dataset(
            dict(type='MixedWM38Dataset', ann_file=path, skip_invalid=True))
    assert len(ds) == 19
    with pytest.raises(InvalidDataError, match='missing MixedWM38 npz'):
        build_dataset(
            dict(type='MixedWM38Dataset', ann_file=str(tmp_path / 'none.npz')))


def test_check_dataset_tool(tmp_path, capsys):
    maps, labels = _fake_mixedwm38()
    labels[4] = [1, 1, 0, 0, 0, 0, 0, 0]
    np.savez(str(tmp_path / 'Wafer_Map_Datasets.npz'), maps, labels)
    assert run_check_dataset('mixedwm38.py', '--data-root', str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert 'Wafer_Map_Datasets.npz: unknown pattern: sample 4' in out
