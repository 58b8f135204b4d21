"""Synthetic surface defects: determinism, exact annotations, tasks, tool."""
import os
import os.path as osp
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest

from defectzoo.cli import \
    generate_synthetic_surface as generate_synthetic_surface_cli
from defectzoo.datasets import SyntheticSurfaceDefectDataset
from defectzoo.datasets.synthetic.surface_defects import (
    DEFECT_CLASSES, generate_surface_sample, mask_to_box)
from tests.conftest import REPO_ROOT
from tests.helpers.dataset_files import (base_dataset_cfg, build_dataset,
                                         run_check_dataset)

SIZE = 64


def test_deterministic_by_seed_split_index():
    kinds = ['scratch', 'crack']
    a = generate_surface_sample(0, 5, kinds, SIZE)
    b = generate_surface_sample(0, 5, kinds, SIZE)
    assert np.array_equal(a['img'], b['img'])
    assert np.array_equal(a['seg_map'], b['seg_map'])
    for other in (generate_surface_sample(1, 5, kinds, SIZE),
                  generate_surface_sample(0, 6, kinds, SIZE),
                  generate_surface_sample(0, 5, kinds, SIZE, split='val')):
        assert not np.array_equal(a['img'], other['img'])
    ds1 = SyntheticSurfaceDefectDataset(
        task='det', num_samples=3, img_size=SIZE, seed=7)
    ds2 = SyntheticSurfaceDefectDataset(
        task='det', num_samples=3, img_size=SIZE, seed=7)
    assert np.array_equal(ds1[2]['img'], ds2[2]['img'])


@pytest.mark.parametrize('kind', DEFECT_CLASSES)
def test_each_defect_visible_and_exact(kind):
    s = generate_surface_sample(3, 0, [kind], 96)
    clean = generate_surface_sample(3, 0, [], 96)
    assert len(s['instances']) == 1
    inst = s['instances'][0]
    assert inst['label'] == DEFECT_CLASSES.index(kind)
    # the defect changes the masked pixels (same background: same rng start)
    diff = np.abs(s['img'].astype(int) - clean['img'].astype(int))
    assert diff[inst['mask']].mean() > 10


def _check_consistent(sample):
    seg = np.zeros_like(sample['seg_map'])
    union = np.zeros(seg.shape, int)
    for inst in sample['instances']:
        m = inst['mask']
        assert m.any()
        assert inst['bbox'] == mask_to_box(m)
        x1, y1, x2, y2 = map(int, inst['bbox'])
        assert m[y1:y2, x1:x2].sum() == m.sum()  # the box holds the mask
        assert m[y1, x1:x2].any() and m[y2 - 1, x1:x2].any()  # tight
        assert m[y1:y2, x1].any() and m[y1:y2, x2 - 1].any()
        union += m
        seg[m] = inst['label'] + 1
    assert union.max() <= 1  # instances disjoint
    assert np.array_equal(seg, sample['seg_map'])


def test_masks_boxes_seg_agree():
    for index in range(6):
        kinds = [DEFECT_CLASSES[(index + k) % 5] for k in range(3)]
        _check_consistent(generate_surface_sample(0, index, kinds, 96))


def test_tasks():
    cls = SyntheticSurfaceDefectDataset(
        task='cls', num_samples=12, img_size=SIZE, with_defect_free=True)
    assert cls.metainfo['classes'] == ('defect_free', ) + DEFECT_CLASSES
    for i in (0, 1, 7):
        info = cls.get_data_info(i)
        assert info['gt_label'] == i % 6 == cls.get_cat_ids(i)[0]
        assert info['img'].shape == (SIZE, SIZE, 3)
        sample = cls.generate(i)
        assert {x['label'] + 1 for x in sample['instances']} <= {i % 6}
        assert bool(sample['instances']) == (i % 6 != 0)

    # a subset keeps the samples (and labels) of the full set
    sub = cls.get_subset([7, 9])
    assert np.array_equal(sub[0]['img'], cls[7]['img'])
    assert sub.get_cat_ids(1) == cls.get_cat_ids(9) == [3]

    seg = SyntheticSurfaceDefectDataset(
        task='seg', num_samples=4, img_size=SIZE, color_type='grayscale')
    assert seg.get_cat_ids(1) == sorted(
        {1 + x['label']
         for x in seg.generate(1)['instances']})
    info = seg.get_data_info(1)
    assert info['img'].shape == (SIZE, SIZE)
    assert np.array_equal(info['gt_seg_map'], seg.generate(1)['seg_map'])

    det = SyntheticSurfaceDefectDataset(
        task='det',
        num_samples=4,
        img_size=SIZE,
        with_mask=True,
        defect_classes=('crack', 'patch'))
    assert det.metainfo['classes'] == ('crack', 'patch')
    info = det.get_data_info(2)
    raw = det.generate(2)
    assert np.allclose(info['gt_bboxes'].numpy(),
                       [x['bbox'] for x in raw['instances']])
    names = [DEFECT_CLASSES[x['label']] for x in raw['instances']]
    assert [('crack', 'patch')[k] for k in info['gt_bboxes_labels']] == names
    assert len(info['gt_masks']) == len(names)
    with pytest.raises(ValueError, match='unknown defect classes'):
        SyntheticSurfaceDefectDataset(defect_classes=('dent', ))


def test_pipelines():
    cfg = base_dataset_cfg(
        'synthetic_surface_cls.py', num_samples=5, img_size=SIZE)
    sample = build_dataset(cfg)[3]
    assert tuple(sample['inputs'].shape) == (3, 224, 224)
    assert sample['data_samples'].gt_label.tolist() == [3]

    det = build_dataset(
        dict(
            type='SyntheticSurfaceDefectDataset',
            task='det',
            num_samples=2,
            img_size=SIZE,
            pipeline=[
                dict(type='mmdet.Resize', scale=(128, 128), keep_ratio=True),
                dict(type='mmdet.RandomFlip', prob=1.0),
                dict(type='mmdet.PackDetInputs')
            ]))
    raw = det.generate(0)
    gt = det[0]['data_samples'].gt_instances
    boxes = np.array([x['bbox'] for x in raw['instances']]) * 2
    boxes[:, [0, 2]] = 128 - boxes[:, [2, 0]]  # horizontal flip
    assert np.allclose(gt.bboxes.numpy(), boxes)

    seg = build_dataset(
        dict(
            type='SyntheticSurfaceDefectDataset',
            task='seg',
            num_samples=2,
            img_size=SIZE,
            pipeline=[
                dict(type='mmseg.RandomFlip', prob=1.0),
                dict(type='mmseg.PackSegInputs')
            ]))
    seg_map = seg[1]['data_samples'].gt_sem_seg.data[0].numpy()
    assert np.array_equal(seg_map, seg.generate(1)['seg_map'][:, ::-1])


def test_tool_writes_neu_layout(tmp_path):
    out = str(tmp_path / 'neu')
    generate_synthetic_surface_cli.main([
        out, '--num-per-class', '1', '--img-size',
        str(SIZE), '--classes', 'spot', 'inclusion', '--grid-rows', '1',
        '--grid-tile', '32'
    ])
    assert sorted(os.listdir(osp.join(
        out, 'IMAGES'))) == ['inclusion_1.jpg', 'spot_1.jpg']
    assert osp.isfile(osp.join(out, 'grid.png'))
    root = ET.parse(osp.join(out, 'ANNOTATIONS', 'spot_1.xml')).getroot()
    mask = cv2.imread(
        osp.join(out, 'MASKS', 'spot_1.png'), cv2.IMREAD_UNCHANGED)
    objs = root.findall('object')
    assert objs and all(o.find('name').text == 'spot' for o in objs)
    assert set(np.unique(mask)) == {0, 1 + DEFECT_CLASSES.index('spot')}
    # VOC 1-based corners -> the union of the boxes is the mask extent
    boxes = np.array([[
        int(o.find('bndbox').find(k).text)
        for k in ('xmin', 'ymin', 'xmax', 'ymax')
    ] for o in objs])
    x1, y1, x2, y2 = mask_to_box(mask > 0)
    assert (boxes[:, 0].min() - 1, boxes[:, 1].min() - 1, boxes[:, 2].max(),
            boxes[:, 3].max()) == (x1, y1, x2, y2)


def test_docs_grid_is_small():
    path = osp.join(REPO_ROOT, 'docs', 'images', 'synthetic_surface_grid.png')
    assert osp.getsize(path) < 300 * 1024


def test_check_dataset_tool(capsys):
    assert run_check_dataset('synthetic_surface_cls.py', '--split', 'val',
                             '--cfg-options',
                             'val_dataloader.dataset.num_samples=5',
                             'val_dataloader.dataset.img_size=48') == 0
    out = capsys.readouterr().out
    assert 'No problems found.' in out and 'inclusion' in out
