"""GDXray Castings: ground_truth.txt parsing, COCO conversion, dataset."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.cli import gdxray_to_coco as gdxray_to_coco_cli
from defectzoo.datasets.gdxray import (gdxray_castings_to_coco,
                                       matlab_box_to_xyxy, read_ground_truth)
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import (base_dataset_cfg, build_dataset,
                                         run_check_dataset)

W, H = 40, 30


def _write_series(root, series, n_images, gt_lines=None):
    sdir = osp.join(root, series)
    os.makedirs(sdir, exist_ok=True)
    rng = np.random.default_rng(len(series) + n_images)
    for i in range(1, n_images + 1):
        img = rng.integers(0, 256, (H, W), dtype=np.uint8)
        cv2.imwrite(osp.join(sdir, f'{series}_{i:04d}.png'), img)
    if gt_lines is not None:
        with open(osp.join(sdir, 'ground_truth.txt'), 'w') as f:
            f.write('\n'.join(gt_lines) + '\n')
    return sdir


@pytest.fixture
def castings(tmp_path):
    """C0001, C0002 annotated (C0002 in MATLAB's float format), C0003 not."""
    root = str(tmp_path / 'Castings')
    _write_series(root, 'C0001', 3,
                  ['1 10 20 5 8', '2 1 40 1 30', '2 3 4 3 4'])
    _write_series(root, 'C0002', 2, [
        '   1.0000000e+00   3.0000000e+00   1.2000000e+01   '
        '2.0000000e+00   9.0000000e+00'
    ])
    _write_series(root, 'C0003', 2)
    return root


def test_read_ground_truth_matlab_floats(castings):
    rows = read_ground_truth(osp.join(castings, 'C0002', 'ground_truth.txt'))
    assert rows == [(1, (3.0, 12.0, 2.0, 9.0))]


def test_box_conversion_hand_computed():
    # columns 10..20 and rows 5..8, 1-based inclusive -> 0-based [9, 4, 20, 8]
    assert matlab_box_to_xyxy(10, 20, 5, 8) == [9.0, 4.0, 20.0, 8.0]


def test_converter_writes_coco(castings, tmp_path):
    from pycocotools.coco import COCO
    out = str(tmp_path / 'ann')
    gdxray_to_coco_cli.main([castings, out])
    coco = COCO(osp.join(out, 'all.json'))
    names = {im['file_name']: im for im in coco.dataset['images']}
    # annotated series only; images without rows kept as defect-free
    assert sorted(names) == [
        'C0001/C0001_0001.png', 'C0001/C0001_0002.png', 'C0001/C0001_0003.png',
        'C0002/C0002_0001.png', 'C0002/C0002_0002.png'
    ]
    im = names['C0001/C0001_0001.png']
    assert (im['width'], im['height']) == (W, H)
    anns = coco.loadAnns(coco.getAnnIds(imgIds=im['id']))
    # row "1 10 20 5 8": x1=10 x2=20 y1=5 y2=8 -> [9, 4, 11, 4]
    assert [a['bbox'] for a in anns] == [[9.0, 4.0, 11.0, 4.0]]
    assert anns[0]['area'] == 44.0 and anns[0]['category_id'] == 1
    full = coco.loadAnns(
        coco.getAnnIds(imgIds=names['C0001/C0001_0002.png']['id']))
    assert [a['bbox'] for a in full] == [[0.0, 0.0, 40.0, 30.0],
                                         [2.0, 2.0, 2.0, 2.0]]
    c2 = coco.loadAnns(
        coco.getAnnIds(imgIds=names['C0002/C0002_0001.png']['id']))
    assert c2[0]['bbox'] == [2.0, 1.0, 10.0, 8.0]
    assert coco.loadCats(coco.getCatIds()) == [
        dict(id=1, name='defect', supercategory='defect')
    ]
    assert coco.getAnnIds(imgIds=names['C0001/C0001_0003.png']['id']) == []


def test_converter_series_split(castings, tmp_path):
    out = str(tmp_path / 'named')
    gdxray_to_coco_cli.main([castings, out, '--test-series', 'C0002'])
    train = json.load(open(osp.join(out, 'train.json')))
    test = json.load(open(osp.join(out, 'test.json')))
    assert {im['series'] for im in train['images']} == {'C0001'}
    assert {im['series'] for im in test['images']} == {'C0002'}
    test_ids = {im['id'] for im in test['images']}
    assert all(a['image_id'] in test_ids for a in test['annotations'])
    assert len(train['annotations']) + len(test['annotations']) == 4

    # seeded fraction: whole series, reproducible
    picks = []
    for run in range(2):
        out = str(tmp_path / f'frac{run}')
        gdxray_to_coco_cli.main(
            [castings, out, '--test-fraction', '0.5', '--seed', '3'])
        test = json.load(open(osp.join(out, 'test.json')))
        picks.append(sorted({im['series'] for im in test['images']}))
    assert picks[0] == picks[1] and len(picks[0]) == 1


def test_include_unannotated(castings):
    coco = gdxray_castings_to_coco(castings, include_unannotated=True)
    c3 = [im for im in coco['images'] if im['series'] == 'C0003']
    assert len(c3) == 2 and not any(im['annotated'] for im in c3)


@pytest.mark.parametrize(
    'row, problem',
    [
        ('1 30 41 5 8', 'box outside the image'),  # x2 = 41 > width 40
        ('1 10 20 25 31', 'box outside the image'),  # y2 = 31 > height 30
        ('1 20 10 5 8', 'zero-area box'),  # x2 < x1
        ('9 10 20 5 8', 'image index with no file'),  # no C0004_0009.png
        ('1 10 20 5', 'expected 5 values'),
    ])
def test_bad_rows_name_the_file(tmp_path, row, problem):
    root = str(tmp_path / 'Castings')
    sdir = _write_series(root, 'C0004', 2, ['2 1 5 1 5', row])
    gt = osp.join(sdir, 'ground_truth.txt')
    with pytest.raises(InvalidDataError) as exc:
        gdxray_castings_to_coco(root)
    assert exc.value.path == gt and problem in str(exc.value)
    if problem == 'image index with no file':
        assert 'C0004_0009.png' in str(exc.value)
    if problem == 'expected 5 values':
        return
    # skip mode: the bad row is dropped, the good one kept, one warning
    out = str(tmp_path / 'out')
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        gdxray_to_coco_cli.main([root, out, '--skip-invalid'])
    coco = json.load(open(osp.join(out, 'all.json')))
    assert len(coco['annotations']) == 1
    # without --skip-invalid the CLI stops with the message
    with pytest.raises(SystemExit, match='ground_truth.txt'):
        gdxray_to_coco_cli.main([root, out])


def test_dataset_from_base_config(castings, tmp_path):
    out = str(tmp_path / 'ann')
    gdxray_to_coco_cli.main([castings, out, '--test-series', 'C0002'])
    data_root = osp.dirname(castings)
    cfg = base_dataset_cfg(
        'gdxray_castings.py',
        data_root=data_root,
        ann_file=osp.join(out, 'train.json'))
    ds = build_dataset(cfg)
    assert ds.metainfo['classes'] == ('defect', )
    # filter_empty_gt: the two annotated images of C0001
    assert len(ds) == 2
    sample = ds[0]
    boxes = sample['data_samples'].gt_instances.bboxes
    assert sample['inputs'].shape[0] == 3 and len(boxes) >= 1


def test_check_dataset_tool(castings, capsys):
    data_root = osp.dirname(castings)
    gdxray_to_coco_cli.main([
        castings,
        osp.join(data_root, 'annotations'), '--test-series', 'C0002'
    ])
    assert run_check_dataset('gdxray_castings.py', '--data-root',
                             data_root) == 0
    out = capsys.readouterr().out
    assert 'No problems found.' in out and 'defect' in out
