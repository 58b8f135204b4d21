"""(image, mask, guide) pairs for the GAN and their bad-input errors."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from defectzoo.datasets import (MagneticTileBinaryClsDataset,
                                MagneticTileDefectPairDataset)
from defectzoo.datasets.transforms import (DefectGuideVector,
                                           PackDefectPairInputs)
from defectzoo.registry import DATASETS
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.defect_fixtures import MT_COUNTS, make_magnetic_tile

MT_TYPES = ('Blowhole', 'Break', 'Crack', 'Fray', 'Uneven')


def pair_pipeline(size=32):
    return [
        dict(type='LoadImageChecked', color_type='grayscale'),
        dict(type='LoadDefectMask'),
        dict(type='DefectGuideVector', defect_types=MT_TYPES),
        dict(type='Resize', scale=(size, size), keep_ratio=False),
        dict(type='PackDefectPairInputs'),
    ]


def test_guide_vector_measures_type_brightness_and_texture():
    img = np.full((20, 20), 100, np.uint8)
    img[::2] = 110  # grainy background, mean 105
    seg = np.zeros((20, 20), np.uint8)
    seg[5:10, 5:10] = 1
    t = DefectGuideVector(
        MT_TYPES, brightness_edges=(75, 95), texture_edges=(1., 3.))
    out = t(
        dict(
            img=img,
            gt_seg_map=seg,
            folder_class='Crack',
            seg_map_path='x.png'))
    assert out['guide'].tolist()[:2] == [2, 2]  # Crack, bright bin
    assert out['guide'][2] == 2  # std 5 > 3: grainy
    smooth = t(
        dict(
            img=np.full((20, 20), 50, np.uint8),
            gt_seg_map=seg,
            folder_class='Fray',
            seg_map_path='x.png'))
    assert smooth['guide'].tolist() == [3, 0, 0]
    assert t.dims == (5, 3, 3)


def test_guide_type_from_a_class_index_mask():
    seg = np.zeros((10, 10), np.uint8)
    seg[:2] = 2  # 20 px of class 2 ('spot')
    seg[5:6, :5] = 4  # 5 px of class 4
    t = DefectGuideVector(('scratch', 'spot', 'patch', 'crack'),
                          type_from='seg_label')
    out = t(
        dict(
            img=np.zeros((10, 10), np.uint8), gt_seg_map=seg,
            img_path='s.png'))
    assert out['guide'][0] == 1 and out['guide_names']['defect_type'] == \
        'spot'
    assert set(np.unique(out['gt_seg_map'])) == {0, 1}


def test_empty_mask_in_a_defect_pair_names_the_file():
    t = DefectGuideVector(MT_TYPES)
    with pytest.raises(InvalidDataError, match=r'm/a\.png.*empty mask'):
        t(
            dict(
                img=np.zeros((8, 8), np.uint8),
                gt_seg_map=np.zeros((8, 8), np.uint8),
                folder_class='Crack',
                seg_map_path='m/a.png'))


def test_guide_value_outside_the_declared_attributes_names_the_file():
    seg = np.ones((8, 8), np.uint8)
    with pytest.raises(
            InvalidDataError,
            match=r"b\.png.*'Scratch' is not one of the declared"):
        DefectGuideVector(MT_TYPES)(
            dict(
                img=np.zeros((8, 8), np.uint8),
                gt_seg_map=seg,
                folder_class='Scratch',
                seg_map_path='b.png'))


def test_mask_and_image_of_different_sizes_name_the_file():
    with pytest.raises(
            InvalidDataError,
            match=r'c\.png.*mask size 4x4 '
            r'differs from image size 8x8'):
        PackDefectPairInputs()(
            dict(
                img=np.zeros((8, 8), np.uint8),
                gt_seg_map=np.ones((4, 4)),
                seg_map_path='c.png'))


def test_magnetic_tile_pairs_exclude_free_and_pack(tmp_path):
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    init_default_scope('defectzoo')
    ds = MagneticTileDefectPairDataset(
        data_root=root, pipeline=pair_pipeline())
    assert len(ds) == sum(MT_COUNTS.values()) - MT_COUNTS['Free']
    item = ds[0]
    assert item['inputs']['img'].shape == (1, 32, 32)
    assert item['inputs']['mask'].shape == (1, 32, 32)
    assert item['inputs']['mask'].max() == 1
    assert len(item['inputs']['guide']) == 3


def test_pair_dataset_mask_size_mismatch_names_the_file(tmp_path):
    root = make_magnetic_tile(
        str(tmp_path / 'mt'), counts={
            'Crack': 1,
            'Free': 1
        })
    mask = osp.join(root, 'MT_Crack', 'Imgs', 'exp1_num_00.png')
    cv2.imwrite(mask, np.full((10, 10), 255, np.uint8))
    init_default_scope('defectzoo')
    with pytest.raises(InvalidDataError, match='exp1_num_00.png.*differs'):
        ds = MagneticTileDefectPairDataset(
            data_root=root, pipeline=pair_pipeline())
        ds[0]


def test_pair_dataset_empty_defect_mask_names_the_file(tmp_path):
    root = make_magnetic_tile(
        str(tmp_path / 'mt'), counts={
            'Crack': 1,
            'Free': 1
        })
    mask = osp.join(root, 'MT_Crack', 'Imgs', 'exp1_num_00.png')
    cv2.imwrite(mask, np.zeros(cv2.imread(mask, 0).shape, np.uint8))
    init_default_scope('defectzoo')
    with pytest.raises(InvalidDataError, match='exp1_num_00.png.*empty'):
        MagneticTileDefectPairDataset(data_root=root, pipeline=pair_pipeline())
    # without the load-time check the transform catches it
    ds = MagneticTileDefectPairDataset(
        data_root=root, check_empty_masks=False, pipeline=pair_pipeline())
    with pytest.raises(InvalidDataError, match='exp1_num_00.png.*empty'):
        ds[0]


def test_binary_cls_labels(tmp_path):
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    ds = MagneticTileBinaryClsDataset(data_root=root)
    assert ds.metainfo['classes'] == ('free', 'defect')
    labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
    assert labels.count(0) == MT_COUNTS['Free']
    assert labels.count(1) == sum(MT_COUNTS.values()) - MT_COUNTS['Free']


def test_synthetic_surface_pairs_from_the_default_config():
    from mmengine.config import Config

    from tests.conftest import CONFIGS
    cfg = Config.fromfile(
        osp.join(CONFIGS, '_base_', 'datasets',
                 'synthetic_surface_defect_pairs.py'))
    init_default_scope('defectzoo')
    ds = DATASETS.build(
        dict(
            cfg.train_dataset,
            num_samples=5,
            img_size=64,
            pipeline=[cfg.guide, dict(type='PackDefectPairInputs')]))
    item = ds[0]['inputs']
    assert item['img'].shape == item['mask'].shape == (1, 64, 64)
    assert item['mask'].sum() > 0
    assert 0 <= item['guide'][0] < 5
