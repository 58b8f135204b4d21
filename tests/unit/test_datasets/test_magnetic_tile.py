"""Magnetic tile: connected-component boxes and the three dataset views."""
import os.path as osp
from collections import Counter

import cv2
import numpy as np
import pytest

from defectzoo.cli import magnetic_tile_split as magnetic_tile_split_cli
from defectzoo.datasets.magnetic_tile import (MT_CLASSES,
                                              MagneticTileClsDataset,
                                              MagneticTileDetDataset,
                                              MagneticTileSegDataset,
                                              mask_to_boxes)
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import MT_COUNTS, SIZE, make_magnetic_tile


@pytest.fixture
def mt(tmp_path):
    return make_magnetic_tile(str(tmp_path / 'magnetic-tile'))


def test_mask_to_boxes_hand_drawn():
    mask = np.zeros((12, 16), np.uint8)
    mask[1:4, 2:6] = 255  # 4 x 3 block          -> (2, 1, 6, 4)
    mask[6, 10] = 255  # two pixels touching   -> 8-connected
    mask[7, 11] = 255  # only diagonally          (10, 6, 12, 8)
    mask[10, 0] = 200  # single pixel
    mask[9:12, 14:16] = 100  # grey, below threshold: not defect
    boxes = mask_to_boxes(mask)
    assert boxes.dtype == np.float32
    assert boxes.tolist() == [[2, 1, 6, 4], [10, 6, 12, 8], [0, 10, 1, 11]]
    assert mask_to_boxes(
        mask, connectivity=4).tolist() == [[2, 1, 6, 4], [10, 6, 11, 7],
                                           [11, 7, 12, 8], [0, 10, 1, 11]]
    assert mask_to_boxes(
        mask, min_area=2).tolist() == [[2, 1, 6, 4], [10, 6, 12, 8]]
    assert mask_to_boxes(mask, threshold=100).shape == (4, 4)
    assert mask_to_boxes(np.zeros((5, 5), np.uint8)).shape == (0, 4)


def test_cls_dataset(mt):
    ds = MagneticTileClsDataset(data_root=mt)
    assert ds.metainfo['classes'] == MT_CLASSES
    assert len(ds) == sum(MT_COUNTS.values())
    counts = Counter(MT_CLASSES[ds.get_data_info(i)['gt_label']]
                     for i in range(len(ds)))
    assert counts == Counter(MT_COUNTS)


def test_cls_dataset_with_masks_feeds_the_defect_map_head(mt):
    """``with_mask=True``: the mask goes through the geometric transforms
    with the image and is packed as ``gt_seg_map`` (0 / 1)."""
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope
    init_default_scope('defectzoo')
    ds = MagneticTileClsDataset(data_root=mt, with_mask=True)
    info = ds.get_data_info(0)
    assert info['seg_map_path'].endswith('.png')
    assert info['mask_threshold'] == 128
    assert 'seg_map_path' not in MagneticTileClsDataset(
        data_root=mt).get_data_info(0)
    pipeline = Compose([
        dict(type='LoadImageChecked'),
        dict(type='LoadDefectMask'),
        dict(type='mmdet.Resize', scale=(24, 24), keep_ratio=False),
        dict(type='RandomRot90', ks=(1, )),
        dict(type='mmpretrain.PackInputs', algorithm_keys=('gt_seg_map', )),
    ])
    for i in range(len(ds)):
        out = pipeline(ds.get_data_info(i))
        sample = out['data_samples']
        mask = np.asarray(sample.gt_seg_map)
        assert out['inputs'].shape[-2:] == mask.shape == (24, 24)
        assert set(np.unique(mask)) <= {0, 1}
        free = MT_CLASSES[int(sample.gt_label)] == 'Free'
        assert mask.any() != free


def test_seg_dataset_and_pipeline(mt):
    ds = build_dataset(
        base_dataset_cfg(
            'magnetic_tile_seg.py', 'val_dataloader', data_root=mt,
            split=None))
    assert len(ds) == 10 and ds.metainfo['classes'] == ('background', 'defect')
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert info['seg_map_path'] == info['img_path'][:-4] + '.png'
        sample = ds[i]
        seg = sample['data_samples'].gt_sem_seg.data
        assert set(seg.unique().tolist()) <= {0, 1}
        # the mask is loaded after the resize: original size, binarised
        # (the grey fringe of 60 is background)
        assert tuple(seg.shape[-2:]) == (SIZE, SIZE + 8)
        expected = 0 if info['folder_class'] == 'Free' else (
            73 if info['folder_class'] == 'Break' else 48)
        assert seg.sum().item() == expected


def test_det_dataset_boxes_from_components(mt):
    ds = MagneticTileDetDataset(data_root=mt)
    assert ds.metainfo['classes'] == ('Blowhole', 'Break', 'Crack', 'Fray',
                                      'Uneven')
    by_class = {}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        by_class.setdefault(info['folder_class'], []).append(info)
    assert all(not d['instances'] for d in by_class['Free'])
    assert [i['bbox']
            for i in by_class['Blowhole'][0]['instances']] == [[2, 3, 8, 11]]
    brk = by_class['Break'][0]['instances']
    assert [i['bbox'] for i in brk] == [[2, 3, 8, 11], [20, 10, 25, 15]]
    assert {i['bbox_label'] for i in brk} == {1}
    assert (by_class['Uneven'][0]['height'],
            by_class['Uneven'][0]['width']) == (SIZE, SIZE + 8)
    # 'full' decodes the Free masks too (and finds them empty, as it should)
    full = MagneticTileDetDataset(data_root=mt, check_images='full')
    assert len(full) == 10 and not full.invalid_samples
    agnostic = MagneticTileDetDataset(data_root=mt, class_agnostic=True)
    assert agnostic.metainfo['classes'] == ('defect', )
    labels = {
        i['bbox_label']
        for k in range(len(agnostic))
        for i in agnostic.get_data_info(k)['instances']
    }
    assert labels == {0}
    # min_area drops the 25-pixel Break blob
    ds = MagneticTileDetDataset(
        data_root=mt, min_area=30, metainfo=dict(classes=('Break', )))
    assert len(ds) == 1 + MT_COUNTS['Free']
    assert sum(len(ds.get_data_info(k)['instances'])
               for k in range(len(ds))) == 1


def test_det_config_pipeline(mt):
    ds = build_dataset(
        base_dataset_cfg('magnetic_tile_det.py', data_root=mt, split=None))
    assert len(ds) == 10  # Free images are kept as negatives
    sample = ds[0]
    assert sample['inputs'].shape[0] == 3
    assert len(sample['data_samples'].gt_instances) == 1


def test_defect_pixels_in_a_free_mask_are_invalid(mt):
    mask = osp.join(mt, 'MT_Free', 'Imgs', 'exp1_num_41.png')
    cv2.imwrite(mask, np.full((SIZE, SIZE + 8), 255, np.uint8))
    assert len(MagneticTileDetDataset(data_root=mt)) == 10  # not decoded
    with pytest.raises(InvalidDataError) as info:
        MagneticTileDetDataset(data_root=mt, check_images='full')
    assert info.value.path == mask
    assert 'defect pixels in the mask of a Free' in info.value.problem


def test_empty_defect_mask_is_invalid(mt):
    mask = osp.join(mt, 'MT_Uneven', 'Imgs', 'exp1_num_50.png')
    assert osp.isfile(mask)
    cv2.imwrite(mask, np.full((SIZE, SIZE + 8), 100, np.uint8))  # all < 128
    for cls in (MagneticTileSegDataset, MagneticTileDetDataset):
        with pytest.raises(InvalidDataError) as info:
            cls(data_root=mt)
        assert info.value.path == mask
        assert 'empty mask for a defect image (class Uneven)' in str(
            info.value)
        with pytest.warns(UserWarning, match='skipped 1 invalid'):
            ds = cls(data_root=mt, skip_invalid=True)
        assert len(ds) == 9 and len(ds.invalid_samples) == 1
    # classification does not need the masks
    assert len(MagneticTileClsDataset(data_root=mt)) == 10


def test_split_on_the_fly_equals_split_tool(tmp_path):
    counts = {'Blowhole': 5, 'Crack': 4, 'Free': 10}
    root = make_magnetic_tile(str(tmp_path / 'mt'), counts)
    out = str(tmp_path / 'splits')
    assert magnetic_tile_split_cli.main(
        [root, '--out-dir', out, '--ratios', '0.6', '0.2', '0.2']) == 0
    for split in ('train', 'val', 'test'):
        kwargs = dict(data_root=root, split=split, split_ratios=(.6, .2, .2))
        det = MagneticTileDetDataset(**kwargs)
        cls = MagneticTileClsDataset(**kwargs)
        with open(osp.join(out, f'{split}.txt')) as f:
            ids = f.read().split()
        assert [det.get_data_info(i)['img_id'] for i in range(len(det))] \
            == ids
        assert len(cls) == len(ids)
        from_file = MagneticTileSegDataset(
            data_root=root, ann_file=osp.join(out, f'{split}.txt'))
        assert len(from_file) == len(ids)
    train = MagneticTileClsDataset(
        data_root=root, split='train', split_ratios=(.6, .2, .2))
    assert Counter(
        train.get_data_info(i)['gt_label'] for i in range(len(train))) == {
            0: 3,
            MT_CLASSES.index('Crack'): 2,
            MT_CLASSES.index('Free'): 6
        }
