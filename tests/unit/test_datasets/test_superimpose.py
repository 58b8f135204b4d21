"""Simulated ellipsoidal defects on radiographs (Mery 2021): the path
length, the attenuation law, placement and the dataset / transform / tool."""
import hashlib
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData

from defectzoo.datasets import SuperimposedXRayDataset
from defectzoo.datasets.synthetic.ellipsoid_defects import (
    ellipsoid_path_length, estimate_noise_sigma, find_part_mask,
    project_ellipsoid, rotation_matrix, superimpose_ellipsoids)
from defectzoo.datasets.transforms import SuperimposeEllipsoidDefects
from defectzoo.models.common import IgnoreRegionAssigner


def _flat(value=1000, size=96, dtype=np.uint16):
    return np.full((size, size), value, dtype)


def test_sphere_path_length_is_its_chord():
    r = 5.0
    u = np.array([0.0, 3.0, 4.0, 5.0, 6.0])
    L = ellipsoid_path_length(u, np.zeros_like(u), (r, r, r), np.eye(3))
    np.testing.assert_allclose(L, [10.0, 8.0, 6.0, 0.0, 0.0], atol=1e-9)
    # a sphere looks the same in every orientation
    L_rot = ellipsoid_path_length(u, np.zeros_like(u), (r, r, r),
                                  rotation_matrix((0.3, -0.7, 1.1)))
    np.testing.assert_allclose(L_rot, L, atol=1e-9)


def test_tilted_ellipsoid_path_length_matches_ray_marching():
    axes, rot = (6.0, 3.0, 4.0), rotation_matrix((0.4, -0.6, 0.9))
    A = rot @ np.diag([a**-2 for a in axes]) @ rot.T
    z = np.linspace(-10, 10, 200001)
    for u, v in [(0.0, 0.0), (1.5, -1.0), (-3.0, 2.0)]:
        p = np.stack([np.full_like(z, u), np.full_like(z, v), z])
        inside = np.einsum('in,ij,jn->n', p, A, p) <= 1
        expected = inside.sum() * (z[1] - z[0])
        got = ellipsoid_path_length(np.array(u), np.array(v), axes, rot)
        assert got == pytest.approx(expected, abs=1e-3)


def test_grey_value_change_follows_the_attenuation_law():
    # a sphere of diameter 12 px, mu = 0.02 / px, no blur, one sample per
    # pixel: I' = o + (I - o) exp(mu L)
    img = _flat(1000)
    out, defects = superimpose_ellipsoids(
        img,
        np.random.default_rng(0),
        num_defects=(1, 1),
        size_range=(12, 12),
        aspect_range=(1, 1),
        depth_range=(1, 1),
        mu=(0.02, 0.02),
        psf_sigma=(0, 0),
        offset=100.0,
        part_mask=np.ones(img.shape, bool),
        supersample=1)
    (d, ) = defects
    cx, cy = d['centre']
    ys, xs = np.nonzero(d['mask'])
    L = 2 * np.sqrt(
        np.clip(36 - (xs + 0.5 - cx)**2 - (ys + 0.5 - cy)**2, 0, None))
    expected = 100 + 900 * np.exp(0.02 * L)
    np.testing.assert_allclose(out[ys, xs], np.rint(expected), atol=0.5)
    assert out[ys, xs].max() == pytest.approx(100 + 900 * np.exp(0.24), 3)
    outside = ~d['mask']
    assert (out[outside] == 1000).all()  # no blur: nothing else changes


def test_box_is_the_projected_extent_and_mask_is_where_L_is_positive():
    img = _flat(3000, 128)
    out, defects = superimpose_ellipsoids(
        img,
        np.random.default_rng(3),
        num_defects=(5, 5),
        part_mask=np.ones(img.shape, bool))
    assert len(defects) == 5
    for d in defects:
        ys, xs = np.nonzero(d['mask'])
        assert d['bbox'] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        L, x0, y0 = project_ellipsoid(d['axes'], rotation_matrix(d['angles']),
                                      d['centre'], 3)
        expect = np.zeros(img.shape, bool)
        yy, xx = np.nonzero(L > 0)
        expect[yy + y0, xx + x0] = True
        assert (expect == d['mask']).all()
        assert (out[d['mask']] >= 3000).all()  # voids are brighter


def test_defects_stay_inside_the_part_and_out_of_ignore_regions():
    img = _flat(2000, 160)
    yy, xx = np.mgrid[:160, :160]
    part = (xx - 80)**2 + (yy - 80)**2 < 60**2
    forbidden = np.zeros_like(part)
    forbidden[60:100, 60:100] = True
    for seed in range(5):
        out, defects = superimpose_ellipsoids(
            img,
            np.random.default_rng(seed),
            num_defects=(8, 8),
            size_range=(4, 20),
            part_mask=part,
            forbidden=forbidden,
            margin=2)
        assert defects
        union = np.zeros_like(part)
        for d in defects:
            assert (part[d['mask']]).all()
            assert not (forbidden[d['mask']]).any()
            assert not (union & d['mask']).any()  # no overlaps
            union |= d['mask']
        assert (out[~part] == 2000).all()


@pytest.mark.parametrize('dtype', [np.uint8, np.uint16])
def test_bit_depth_is_kept(dtype):
    img = _flat(120 if dtype == np.uint8 else 20000, 64, dtype)
    out, defects = superimpose_ellipsoids(
        img,
        np.random.default_rng(0),
        num_defects=(2, 2),
        part_mask=np.ones(img.shape, bool),
        size_range=(6, 10))
    assert out.dtype == dtype and defects
    assert out.max() > img.max()


def test_dark_polarity_makes_voids_darker():
    img = _flat(40000, 64)
    out, defects = superimpose_ellipsoids(
        img,
        np.random.default_rng(0),
        num_defects=(1, 1),
        polarity='dark',
        part_mask=np.ones(img.shape, bool),
        size_range=(10, 10))
    assert out[defects[0]['mask']].max() < 40000


def test_same_rng_same_defects():
    img = _flat(5000, 96)
    a = superimpose_ellipsoids(
        img, np.random.default_rng(7), part_mask=np.ones(img.shape, bool))
    b = superimpose_ellipsoids(
        img, np.random.default_rng(7), part_mask=np.ones(img.shape, bool))
    assert (a[0] == b[0]).all() and [d['bbox'] for d in a[1]
                                     ] == [d['bbox'] for d in b[1]]


def test_part_mask_separates_the_part_from_the_air():
    img = np.full((100, 100), 60000, np.uint16)  # air
    yy, xx = np.mgrid[:100, :100]
    part = (xx - 50)**2 + (yy - 50)**2 < 30**2
    img[part] = 15000
    img = (img + np.random.default_rng(0).normal(0, 300, img.shape)).astype(
        np.uint16)
    found = find_part_mask(img)
    assert (found == part).mean() > 0.98
    # no air in view: the whole image is part
    assert find_part_mask(np.full((50, 50), 900, np.uint16)).all()


def test_noise_level_estimate():
    img = 1000 + np.random.default_rng(0).normal(0, 20, (200, 200))
    assert estimate_noise_sigma(img.astype(np.float32)) == pytest.approx(
        20, rel=0.15)


def _write_radiographs(folder, n=2, size=96):
    os.makedirs(folder, exist_ok=True)
    yy, xx = np.mgrid[:size, :size]
    for i in range(n):
        img = np.full((size, size), 50000, np.uint16)
        img[(xx - size / 2)**2 +
            (yy - size / 2)**2 < (size * 0.4)**2] = (12000 + 1000 * i)
        cv2.imwrite(osp.join(folder, f'good_{i}.png'), img)


def _coco_ignore(path, name, box):
    json.dump(
        dict(
            images=[dict(id=1, file_name=name, width=96, height=96)],
            annotations=[
                dict(
                    id=1,
                    image_id=1,
                    category_id=1,
                    bbox=box,
                    area=1,
                    iscrowd=1)
            ],
            categories=[dict(id=1, name='defect')]), open(path, 'w'))


def test_dataset_and_transform_superimpose_on_the_fly(tmp_path):
    good = str(tmp_path / 'good')
    _write_radiographs(good)
    _coco_ignore(str(tmp_path / 'known.json'), 'good_0.png', [40, 40, 16, 16])
    with DefaultScope.overwrite_default_scope('defectzoo'):
        _check_dataset(tmp_path, good)


def _check_dataset(tmp_path, good):
    ds = SuperimposedXRayDataset(
        data_root=good,
        real_ann_file=str(tmp_path / 'known.json'),
        pipeline=[
            dict(type='LoadXRayImage', keep_raw=True, percentiles=(0.5, 99.5)),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(
                type='SuperimposeEllipsoidDefects',
                num_defects=(3, 3),
                size_range=(4, 12),
                with_mask=True),
        ])
    assert ds.metainfo['classes'] == ('defect', )
    assert len(ds) == 2
    first = ds[0]
    assert first['img'].dtype == np.uint8 and first['img'].shape == (96, 96, 3)
    assert first['img_raw'].dtype == np.uint16
    boxes = first['gt_bboxes'].tensor.numpy()
    flags = first['gt_ignore_flags']
    assert flags.tolist() == [True, False, False, False]
    for box in boxes[1:]:  # new defects are not in the ignore region
        ix = min(box[2], 56) - max(box[0], 40)
        iy = min(box[3], 56) - max(box[1], 40)
        assert ix <= 0 or iy <= 0
    assert len(first['gt_masks']) == 4
    assert first['gt_bboxes_labels'].tolist() == [0, 0, 0, 0]
    again = ds[0]  # new defects every draw
    assert not np.array_equal(again['img_raw'], first['img_raw'])


def test_seeded_transform_is_reproducible(tmp_path):
    _write_radiographs(str(tmp_path))
    t = SuperimposeEllipsoidDefects(seed=3)
    from defectzoo.datasets.transforms import LoadXRayImage
    load = LoadXRayImage(keep_raw=True)
    path = str(tmp_path / 'good_1.png')
    a = t(load(dict(img_path=path)))
    b = t(load(dict(img_path=path)))
    assert np.array_equal(a['img'], b['img'])
    assert np.array_equal(a['gt_bboxes'].tensor, b['gt_bboxes'].tensor)


def test_part_mask_file_of_the_wrong_size_is_named(tmp_path):
    from defectzoo.datasets.transforms import LoadXRayImage
    from defectzoo.utils.data.validation import InvalidDataError
    _write_radiographs(str(tmp_path), n=1)
    cv2.imwrite(str(tmp_path / 'm.png'), np.ones((10, 10), np.uint8))
    results = LoadXRayImage(keep_raw=True)(
        dict(
            img_path=str(tmp_path / 'good_0.png'),
            part_mask_path=str(tmp_path / 'm.png')))
    with pytest.raises(InvalidDataError, match='m.png.*10x10'):
        SuperimposeEllipsoidDefects()(results)


def test_ignore_region_priors_get_no_target():
    assigner = IgnoreRegionAssigner(
        dict(type='mmdet.DynamicSoftLabelAssigner', topk=3))
    xs, ys = np.meshgrid(np.arange(2, 64, 4), np.arange(2, 64, 4))
    priors = torch.tensor(
        np.stack(
            [xs.ravel(),
             ys.ravel(),
             np.full(xs.size, 4),
             np.full(xs.size, 4)], 1),
        dtype=torch.float32)
    pred = InstanceData(
        priors=priors,
        bboxes=torch.cat([priors[:, :2] - 4, priors[:, :2] + 4], 1),
        scores=torch.full((len(priors), 1), 0.1))
    gt = InstanceData(
        bboxes=torch.tensor([[4., 4., 14., 14.]]), labels=torch.tensor([0]))
    ignore = InstanceData(bboxes=torch.tensor([[40., 40., 60., 60.]]))
    result = assigner.assign(pred, gt, ignore)
    c = priors[:, :2]
    in_ignore = ((c >= 40) & (c <= 60)).all(1)
    assert (result.gt_inds[in_ignore] == -1).all()
    assert (result.gt_inds[~in_ignore] >= 0).all()
    assert (result.gt_inds > 0).any()
    plain = assigner.assign(pred, gt, None)
    assert (plain.gt_inds >= 0).all()


def _sha(folder):
    h = hashlib.sha256()
    for d, _, files in sorted(os.walk(folder)):
        for f in sorted(files):
            h.update(f.encode())
            h.update(open(osp.join(d, f), 'rb').read())
    return h.hexdigest()


def test_superimpose_tool_writes_a_reproducible_coco_set(tmp_path, capsys):
    from tools.dataset_converters.superimpose_defects import main
    good = str(tmp_path / 'good')
    _write_radiographs(good)
    _coco_ignore(str(tmp_path / 'known.json'), 'good_1.png', [30, 30, 20, 20])
    for out in ('a', 'b'):
        main([
            good,
            str(tmp_path / out), '--copies', '2', '--seed', '5',
            '--ignore-ann',
            str(tmp_path / 'known.json'), '--size-range', '4', '12', '--grid',
            '2'
        ])
    assert _sha(str(tmp_path / 'a')) == _sha(str(tmp_path / 'b'))
    coco = json.load(open(tmp_path / 'a' / 'annotations.json'))
    assert len(coco['images']) == 4
    assert coco['categories'] == [
        dict(id=1, name='defect', supercategory='defect')
    ]
    crowd = [a for a in coco['annotations'] if a['iscrowd']]
    assert len(crowd) == 2  # the known region, in both copies of good_1
    img = cv2.imread(
        str(tmp_path / 'a' / 'images' / coco['images'][0]['file_name']),
        cv2.IMREAD_UNCHANGED)
    assert img.dtype == np.uint16
    from pycocotools import mask as mask_utils
    for ann in coco['annotations']:
        if not ann['iscrowd']:
            m = mask_utils.decode(ann['segmentation'])
            ys, xs = np.nonzero(m)
            x, y, w, h = ann['bbox']
            assert [x, y, x + w,
                    y + h] == [xs.min(),
                               ys.min(),
                               xs.max() + 1,
                               ys.max() + 1]
    assert (tmp_path / 'a' / 'sample_grid.png').is_file()
    with pytest.raises(SystemExit, match='not an empty folder'):
        main([good, str(tmp_path / 'a')])
