"""Image label + mask + boxes in one sample: boxes and the label derived
from the mask's connected components, packed for the three libraries."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from defectzoo.datasets.transforms import (LoadDefectMask, LoadImageChecked,
                                           MaskToInstances,
                                           PackMultiTaskInputs,
                                           mask_to_instances)
from defectzoo.utils.data.validation import InvalidDataError
from tests.conftest import CONFIGS
from tests.helpers.defect_fixtures import (defect_mask, gray_image,
                                           make_magnetic_tile)


def boxes_of(mask, num_classes=2, **kwargs):
    boxes, labels = mask_to_instances(
        np.asarray(mask, np.uint8), num_classes, **kwargs)
    return boxes.tolist(), labels.tolist()


def test_two_separate_blobs_give_two_boxes():
    mask = np.zeros((10, 12), np.uint8)
    mask[1:3, 1:4] = 1  # rows 1-2, columns 1-3
    mask[6:9, 8:11] = 1
    assert boxes_of(mask) == ([[1, 1, 4, 3], [8, 6, 11, 9]], [0, 0])


def test_touching_blobs():
    mask = np.zeros((8, 8), np.uint8)
    mask[1:4, 1:4] = 1
    mask[3:6, 3:7] = 1  # overlaps the first: one component
    assert boxes_of(mask) == ([[1, 1, 7, 6]], [0])
    diag = np.zeros((8, 8), np.uint8)
    diag[1:3, 1:3] = 1
    diag[3:5, 3:5] = 1  # touching at a corner only
    assert boxes_of(diag, connectivity=8) == ([[1, 1, 5, 5]], [0])
    assert boxes_of(
        diag, connectivity=4) == ([[1, 1, 3, 3], [3, 3, 5, 5]], [0, 0])
    # blobs of different classes that touch stay two instances
    two = np.zeros((6, 8), np.uint8)
    two[1:4, 1:4] = 1
    two[1:4, 4:7] = 2
    assert boxes_of(
        two, num_classes=3) == ([[1, 1, 4, 4], [4, 1, 7, 4]], [0, 1])


def test_one_pixel_cracks():
    mask = np.zeros((9, 9), np.uint8)
    mask[4, 4] = 1  # a single pixel
    assert boxes_of(mask) == ([[4, 4, 5, 5]], [0])
    crack = np.zeros((9, 9), np.uint8)
    idx = np.arange(1, 8)
    crack[idx, idx] = 1  # a diagonal 1-px crack
    assert boxes_of(crack) == ([[1, 1, 8, 8]], [0])
    assert len(boxes_of(crack, connectivity=4)[0]) == 7
    vertical = np.zeros((9, 9), np.uint8)
    vertical[0:9, 2] = 1  # edge to edge, 1 px wide
    assert boxes_of(vertical) == ([[2, 0, 3, 9]], [0])
    assert boxes_of(mask, min_area=2) == ([], [])


def test_empty_mask_is_defect_free():
    out = MaskToInstances(num_classes=2)(
        dict(gt_seg_map=np.zeros((5, 6), np.uint8), ori_shape=(5, 6)))
    assert out['gt_bboxes'].tensor.shape == (0, 4)
    assert out['gt_bboxes_labels'].shape == (0, )
    assert out['instances'] == [] and out['gt_label'] == 0


def test_ignore_index_is_neither_class():
    mask = np.zeros((6, 6), np.uint8)
    mask[0:2, 0:2] = 255
    mask[4, 4] = 1
    out = MaskToInstances(num_classes=2)(dict(gt_seg_map=mask))
    assert out['gt_bboxes'].tensor.tolist() == [[4, 4, 5, 5]]
    assert out['gt_label'] == 1
    assert out['instances'] == [
        dict(bbox=[4.0, 4.0, 5.0, 5.0], bbox_label=0, ignore_flag=0)
    ]


def test_unknown_mask_value_names_the_file():
    mask = np.zeros((4, 4), np.uint8)
    mask[1, 1] = 7
    with pytest.raises(InvalidDataError) as info:
        MaskToInstances(num_classes=3)(
            dict(
                gt_seg_map=mask,
                seg_map_path='/data/m/a.png',
                ori_shape=(4, 4)))
    assert info.value.path == '/data/m/a.png'
    assert 'unknown mask value(s) [7]' in info.value.problem


def test_mask_size_differs_from_image_names_the_file(tmp_path):
    img, png = str(tmp_path / 'a.jpg'), str(tmp_path / 'a.png')
    cv2.imwrite(img, gray_image(0, 16, 20))
    cv2.imwrite(png, defect_mask(16, 24))
    results = LoadImageChecked()(dict(img_path=img, seg_map_path=png))
    with pytest.raises(InvalidDataError) as info:
        LoadDefectMask(threshold=128)(results)
    assert info.value.path == png and 'differs from image size' in str(
        info.value)
    # the same check when the mask is given directly (synthetic data)
    with pytest.raises(InvalidDataError, match='differs from image size'):
        MaskToInstances(num_classes=2)(
            dict(
                gt_seg_map=np.zeros((16, 24), np.uint8),
                ori_shape=(16, 20),
                img_path=img))


def test_box_only_sample_in_a_mask_config_names_the_image(tmp_path):
    img = str(tmp_path / 'b.jpg')
    cv2.imwrite(img, gray_image(1, 16, 20))
    results = LoadImageChecked()(
        dict(img_path=img, instances=[dict(bbox=[1, 1, 5, 5], bbox_label=0)]))
    with pytest.raises(InvalidDataError) as info:
        LoadDefectMask(allow_missing=False)(dict(results))
    assert info.value.path == img
    assert 'box-only sample (1 boxes, no mask)' in info.value.problem
    # the default keeps the old behaviour: an all-background mask
    out = LoadDefectMask()(dict(results))
    assert not out['gt_seg_map'].any()


def test_pack_carries_all_three_annotations():
    mask = np.zeros((8, 10), np.uint8)
    mask[2:4, 3:6] = 2
    results = dict(
        img=np.zeros((8, 10, 3), np.uint8),
        gt_seg_map=mask,
        ori_shape=(8, 10),
        img_shape=(8, 10),
        sample_idx=7,
        img_path='x.png',
        scale_factor=(1.0, 1.0))
    results = MaskToInstances(num_classes=3)(results)
    sample = PackMultiTaskInputs()(results)['data_samples']
    assert sample.gt_label.tolist() == [1]
    assert sample.gt_label.dtype == torch.long
    assert sample.gt_instances.bboxes.tensor.tolist() == [[3, 2, 6, 4]]
    assert sample.gt_instances.labels.tolist() == [1]
    assert torch.equal(sample.gt_sem_seg.data,
                       torch.from_numpy(mask[None]).long())
    assert sample.img_id == 7  # for CocoMetric
    assert sample.instances[0]['bbox'] == [3.0, 2.0, 6.0, 4.0]


def test_synthetic_masks_give_the_generated_boxes():
    """Synthetic instances never touch, so each generated box is the hull of
    the derived component boxes inside it (an instance of several streaks,
    e.g. an inclusion, gives one box per streak)."""
    from defectzoo.datasets import SyntheticSurfaceDefectDataset
    seg = SyntheticSurfaceDefectDataset(
        task='seg', num_samples=6, img_size=64, with_defect_free=True)
    det = SyntheticSurfaceDefectDataset(
        task='det', num_samples=6, img_size=64, with_defect_free=True)
    for i in range(6):
        out = MaskToInstances(num_classes=6)(seg[i])
        got = list(
            zip(out['gt_bboxes'].tensor.numpy(), out['gt_bboxes_labels']))
        gen = det[i]
        want = list(
            zip(gen['gt_bboxes'].tensor.numpy(), gen['gt_bboxes_labels']))
        assert out['gt_label'] == int(len(want) > 0)
        used = 0
        for box, label in want:
            inside = np.array([
                b for b, lb in got if lb == label and (
                    b[:2] >= box[:2]).all() and (b[2:] <= box[2:]).all()
            ])
            assert len(inside), (i, box)
            hull = np.concatenate([inside[:, :2].min(0), inside[:, 2:].max(0)])
            np.testing.assert_array_equal(hull, box)
            used += len(inside)
        assert used == len(got)


def test_magnetic_tile_multitask_pipeline(tmp_path):
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    cfg = Config.fromfile(
        osp.join(CONFIGS, '_base_', 'datasets', 'magnetic_tile_multitask.py'))
    init_default_scope('defectzoo')
    from defectzoo.registry import DATASETS
    ds_cfg = dict(cfg.test_dataloader.dataset, data_root=root, split=None)
    dataset = DATASETS.build(ds_cfg)
    labels = {}
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        folder = osp.basename(osp.dirname(osp.dirname(sample.img_path)))
        labels[folder] = sample.gt_label.item()
        n_boxes = len(sample.gt_instances)
        assert sample.gt_sem_seg.data.shape[-2:] == tuple(sample.ori_shape)
        assert n_boxes == (0 if folder == 'MT_Free' else
                           2 if folder == 'MT_Break' else 1)
        assert len(sample.instances) == n_boxes
    assert labels['MT_Free'] == 0 and labels['MT_Crack'] == 1
