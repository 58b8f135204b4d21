"""ImageMaskFolderDataset: images/ + masks/ with the same stems."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.datasets.image_mask import ImageMaskFolderDataset
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import make_image_mask

PREFIX = dict(img_path='train/images', seg_map_path='train/masks')


@pytest.fixture
def folder(tmp_path):
    return make_image_mask(str(tmp_path / 'seg'))


def test_pairs_and_threshold(folder):
    ds = ImageMaskFolderDataset(data_root=folder, data_prefix=PREFIX)
    assert len(ds) == 3 and ds.mask_threshold == 128
    info = ds.get_data_info(1)
    assert info['seg_map_path'] == osp.join(folder, 'train/masks/1.png')
    three = ImageMaskFolderDataset(
        data_root=folder,
        data_prefix=PREFIX,
        metainfo=dict(classes=('bg', 'a', 'b')))
    assert three.mask_threshold is None


def test_missing_mask(folder):
    os.remove(osp.join(folder, 'train/masks/0.png'))
    with pytest.raises(InvalidDataError, match='missing mask file'):
        ImageMaskFolderDataset(data_root=folder, data_prefix=PREFIX)
    ds = ImageMaskFolderDataset(
        data_root=folder, data_prefix=PREFIX, missing_mask='background')
    assert ds.get_data_info(0)['seg_map_path'] is None


def test_config_pipeline(folder):
    os.remove(osp.join(folder, 'train/masks/0.png'))
    ds = build_dataset(
        base_dataset_cfg(
            'image_mask_seg.py',
            'val_dataloader',
            data_root=folder,
            missing_mask='background',
            data_prefix=PREFIX))
    segs = [ds[i]['data_samples'].gt_sem_seg.data for i in range(3)]
    assert [s.sum().item() for s in segs] == [0, 48, 48]
    assert set(np.unique(segs[1].numpy())) == {0, 1}


def test_mask_size_mismatch(folder):
    cv2.imwrite(
        osp.join(folder, 'train/masks/2.png'), np.zeros((10, 12), np.uint8))
    with pytest.raises(InvalidDataError) as info:
        ImageMaskFolderDataset(data_root=folder, data_prefix=PREFIX)
    assert info.value.path.endswith('train/masks/2.png')
    assert 'mask size 12x10 differs from image size 24x24' in str(info.value)
