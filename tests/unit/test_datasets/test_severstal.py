"""Severstal: RLE, CSV reading, mask converter, seg / cls datasets."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.cli import severstal_to_masks as severstal_to_masks_cli
from defectzoo.datasets.severstal import read_severstal_csv
from defectzoo.utils.data.rle import RLEError, rle_decode, rle_encode
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import (base_dataset_cfg, build_dataset,
                                         run_check_dataset)

# Tiny "Severstal": 16 x 8 images instead of 1600 x 256 (size read from file)
W, H = 16, 8


def test_rle_decode_hand_computed():
    # 3 x 4 mask, pixels numbered top to bottom, then left to right:
    #   1 4 7 10 / 2 5 8 11 / 3 6 9 12
    mask = rle_decode('2 3 10 2', (3, 4))
    assert mask.tolist() == [[0, 1, 0, 1], [1, 0, 0, 1], [1, 0, 0, 0]]
    assert rle_encode(mask) == '2 3 10 2'
    assert rle_decode('', (3, 4)).sum() == 0 and rle_encode(mask * 0) == ''
    assert rle_decode('12 1', (3, 4))[2, 3] == 1  # the last pixel


def test_rle_round_trip():
    rng = np.random.default_rng(0)
    for shape in [(8, 16), (1, 5), (7, 3), (256, 40)]:
        for p in (0.0, 0.1, 0.5, 1.0):
            mask = (rng.random(shape) < p).astype(np.uint8)
            assert np.array_equal(rle_decode(rle_encode(mask), shape), mask)


@pytest.mark.parametrize('rle, match', [
    ('1 13', 'runs past the image'),
    ('11 3', 'runs past the image'),
    ('0 2', 'start 0 < 1'),
    ('1 2 3', 'odd number'),
    ('1 x', 'non-integer'),
])
def test_rle_errors(rle, match):
    with pytest.raises(RLEError, match=match):
        rle_decode(rle, (3, 4))


def _mask_a():
    """Image a.jpg: class 1 in column 0 rows 0-3, class 3 in column 5."""
    m1 = np.zeros((H, W), np.uint8)
    m1[0:4, 0] = 1
    m3 = np.zeros((H, W), np.uint8)
    m3[:, 5] = 1
    return m1, m3


@pytest.fixture
def severstal(tmp_path):
    root = tmp_path / 'severstal'
    img_dir = root / 'train_images'
    os.makedirs(img_dir)
    rng = np.random.default_rng(0)
    for name in ('a.jpg', 'b.jpg', 'c.jpg'):
        cv2.imwrite(
            str(img_dir / name),
            rng.integers(0, 255, (H, W, 3), dtype=np.uint8))
    m1, m3 = _mask_a()
    rows = [
        'ImageId,ClassId,EncodedPixels', f'a.jpg,1,{rle_encode(m1)}',
        f'a.jpg,3,{rle_encode(m3)}', f'b.jpg,4,{H * W - 2} 3'
    ]  # the last three pixels
    (root / 'train.csv').write_text('\n'.join(rows) + '\n')
    return str(root)


def _add_row(root, row):
    with open(osp.join(root, 'train.csv'), 'a') as f:
        f.write(row + '\n')


def test_converter_writes_class_index_masks(severstal):
    severstal_to_masks_cli.main([severstal, '--val-fraction', '0.34'])
    masks = {
        n:
        cv2.imread(
            osp.join(severstal, 'masks', n + '.png'), cv2.IMREAD_UNCHANGED)
        for n in 'abc'
    }
    m1, m3 = _mask_a()
    assert np.array_equal(masks['a'], m1 * 1 + m3 * 3)
    expected_b = np.zeros((H, W), np.uint8)
    expected_b[H - 3:, W - 1] = 4  # column-major: last column
    assert np.array_equal(masks['b'], expected_b)
    assert masks['c'].shape == (H, W) and masks['c'].max() == 0
    splits = {
        s: open(osp.join(severstal, 'splits', s + '.txt')).read().split()
        for s in ('train', 'val')
    }
    assert len(splits['val']) == 1
    assert sorted(splits['train'] + splits['val']) == ['a', 'b', 'c']


def test_old_csv_layout(tmp_path):
    path = tmp_path / 'old.csv'
    path.write_text('ImageId_ClassId,EncodedPixels\na.jpg_1,1 3\na.jpg_2,\n'
                    'b.jpg_1,\n')
    rows = read_severstal_csv(str(path))
    assert rows == {'a.jpg': [(1, '1 3', 2)], 'b.jpg': []}


@pytest.mark.parametrize('row, path_end, match', [
    ('c.jpg,2,120 20', 'train.csv', 'runs past the image'),
    ('c.jpg,5,1 3', 'train.csv', 'unknown ClassId'),
    ('d.jpg,1,1 3', 'd.jpg', 'missing image'),
])
def test_converter_bad_rows(severstal, row, path_end, match):
    _add_row(severstal, row)
    with pytest.raises(InvalidDataError, match=match) as exc:
        severstal_to_masks_cli.convert(
            osp.join(severstal, 'train.csv'),
            osp.join(severstal, 'train_images'), severstal)
    assert exc.value.path.endswith(path_end)
    if path_end == 'train.csv':
        assert 'line 5' in str(exc.value)
    with pytest.raises(SystemExit, match=path_end):
        severstal_to_masks_cli.main([severstal])
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        severstal_to_masks_cli.main([severstal, '--skip-invalid'])


def test_seg_dataset_from_base_config(severstal):
    severstal_to_masks_cli.main([severstal, '--val-fraction', '0'])
    cfg = base_dataset_cfg(
        'severstal_seg.py', 'val_dataloader', data_root=severstal, ann_file='')
    ds = build_dataset(cfg)
    assert ds.metainfo['classes'] == ('background', 'defect_1', 'defect_2',
                                      'defect_3', 'defect_4')
    assert len(ds) == 3
    sample = ds[0]  # a.jpg (sorted)
    m1, m3 = _mask_a()
    seg = sample['data_samples'].gt_sem_seg.data[0].numpy()
    assert np.array_equal(seg, m1 * 1 + m3 * 3)
    assert tuple(sample['inputs'].shape) == (3, H, W)

    os.remove(osp.join(severstal, 'masks', 'b.png'))
    with pytest.raises(InvalidDataError, match='missing mask PNG'):
        build_dataset(cfg)
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        assert len(build_dataset(dict(cfg, skip_invalid=True))) == 2


def test_cls_dataset_from_base_config(severstal):
    cfg = base_dataset_cfg(
        'severstal_cls.py',
        'val_dataloader',
        data_root=severstal,
        image_list=None)
    ds = build_dataset(cfg)
    labels = {
        osp.basename(ds.get_data_info(i)['img_path']):
        ds.get_data_info(i)['gt_label']
        for i in range(len(ds))
    }
    assert labels == {'a.jpg': [0, 2], 'b.jpg': [3], 'c.jpg': []}
    sample = ds[0]
    assert sample['data_samples'].gt_label.tolist() == [0, 2]
    assert len(build_dataset(dict(cfg, with_defect_free=False))) == 2

    # image_list selects a split
    with open(osp.join(severstal, 'val.txt'), 'w') as f:
        f.write('b\nc\n')
    assert len(build_dataset(dict(cfg, image_list='val.txt'))) == 2

    _add_row(severstal, 'd.jpg,1,1 3')
    with pytest.raises(InvalidDataError, match='missing image') as exc:
        build_dataset(cfg)
    assert exc.value.path.endswith('d.jpg')
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        assert len(build_dataset(dict(cfg, skip_invalid=True))) == 3


def test_check_dataset_tool(severstal, capsys):
    severstal_to_masks_cli.main([severstal, '--val-fraction', '0.34'])
    for config in ('severstal_seg.py', 'severstal_cls.py'):
        assert run_check_dataset(config, '--data-root', severstal) == 0
    assert 'No problems found.' in capsys.readouterr().out
    _add_row(severstal, 'd.jpg,1,1 3')
    assert run_check_dataset('severstal_cls.py', '--data-root', severstal,
                             '--split', 'train', '--cfg-options',
                             'train_dataloader.dataset.image_list=None') == 1
    assert 'd.jpg: missing image' in capsys.readouterr().out
