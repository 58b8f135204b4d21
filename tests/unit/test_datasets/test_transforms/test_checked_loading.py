"""LoadImageChecked / LoadDefectMask: the lazy half of the checks."""
import os.path as osp

import cv2
import numpy as np
import pytest

from defectzoo.datasets.transforms import LoadDefectMask, LoadImageChecked
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.defect_fixtures import gray_image, truncate


@pytest.fixture
def files(tmp_path):
    img = str(tmp_path / 'a.jpg')
    cv2.imwrite(img, gray_image(0, 16, 20))
    mask = np.zeros((16, 20), np.uint8)
    mask[2:5, 3:9] = 255
    mask[6, 3:9] = 90  # grey fringe
    cv2.imwrite(str(tmp_path / 'a.png'), mask)
    return img, str(tmp_path / 'a.png')


def test_load_image_checked(files):
    img, _ = files
    out = LoadImageChecked()(dict(img_path=img))
    assert out['img'].shape == (16, 20, 3) and out['ori_shape'] == (16, 20)
    truncate(img)
    with pytest.raises(InvalidDataError) as info:
        LoadImageChecked()(dict(img_path=img))
    assert info.value.path == img and 'truncated' in info.value.problem
    assert LoadImageChecked(ignore_empty=True)(dict(img_path=img)) is None
    with pytest.raises(InvalidDataError, match='missing image file'):
        LoadImageChecked()(dict(img_path=img + '.gone'))


def test_load_defect_mask(files):
    img, mask = files
    results = LoadImageChecked()(dict(img_path=img, seg_map_path=mask))
    binary = LoadDefectMask(threshold=128)(dict(results))['gt_seg_map']
    assert binary.sum() == 18 and binary.max() == 1
    per_sample = LoadDefectMask()(dict(results, mask_threshold=80))
    assert per_sample['gt_seg_map'].sum() == 24
    assert per_sample['seg_fields'] == ['gt_seg_map']
    raw = LoadDefectMask()(dict(results))['gt_seg_map']
    assert set(np.unique(raw)) == {0, 90, 255}
    mapped = LoadDefectMask()(dict(results, label_map={255: 1, 90: 0}))
    assert set(np.unique(mapped['gt_seg_map'])) == {0, 1}
    empty = LoadDefectMask()(dict(results, seg_map_path=None))
    assert empty['gt_seg_map'].shape == (16,
                                         20) and not empty['gt_seg_map'].any()
    cv2.imwrite(mask, np.zeros((8, 8), np.uint8))
    with pytest.raises(InvalidDataError) as info:
        LoadDefectMask(threshold=128)(dict(results))
    assert info.value.path == mask
    assert 'mask size 8x8 differs from image size 20x16' in str(info.value)


def test_lazy_check_in_a_dataset_pipeline(tmp_path):
    from defectzoo.datasets.neu import NEUClsDataset
    from tests.helpers.defect_fixtures import make_neu
    root = make_neu(str(tmp_path / 'neu'))
    path = osp.join(root, 'IMAGES', 'crazing_1.jpg')
    truncate(path)
    ds = NEUClsDataset(
        data_root=root, check_images='none', pipeline=[LoadImageChecked()])
    with pytest.raises(InvalidDataError) as info:
        ds[0]
    assert info.value.path == path
