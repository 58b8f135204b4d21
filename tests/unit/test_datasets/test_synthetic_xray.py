"""Synthetic X-ray castings: generator, writer, datasets and tool."""
import json
import os
import os.path as osp
import time
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from defectzoo.cli import \
    generate_synthetic_xray as generate_synthetic_xray_cli
from defectzoo.datasets.synthetic import writers
from defectzoo.datasets.synthetic import xray_castings as xc
from defectzoo.datasets.synthetic.writers import generate_synthetic_xray
from defectzoo.datasets.synthetic.xray_castings import (CLASSES,
                                                        generate_xray_sample)
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import build_dataset

SMALL = dict(num_unlabelled=3, num_train=4, num_val=2, img_size=64, seed=7)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('sx') / 'data')
    return generate_synthetic_xray(out, **SMALL)


def _same(a, b):
    return (np.array_equal(a['img'], b['img'])
            and np.array_equal(a['inst_map'], b['inst_map'])
            and a['instances'] == b['instances'])


def test_sample_deterministic_and_distinct():
    a = generate_xray_sample(3, 5, img_size=96)
    assert a['img'].dtype == np.uint16 and a['img'].shape == (96, 96)
    assert a['inst_map'].dtype == np.uint8
    assert _same(a, generate_xray_sample(3, 5, img_size=96))
    for other in (generate_xray_sample(4, 5, img_size=96),
                  generate_xray_sample(3, 6, img_size=96),
                  generate_xray_sample(3, 5, img_size=96, split='val')):
        assert not np.array_equal(a['img'], other['img'])
    # a real 16-bit range, not 8-bit data in a 16-bit container
    assert int(a['img'].max()) - int(a['img'].min()) > 4000


def test_boxes_masks_and_class_rule():
    seen = set()
    for i in range(12):
        s = generate_xray_sample(0, i, img_size=128, num_defects=(2, 4))
        ids = set(np.unique(s['inst_map'])) - {0}
        assert ids == set(range(1, len(s['instances']) + 1))
        for k, inst in enumerate(s['instances'], 1):
            ys, xs = np.nonzero(s['inst_map'] == k)
            assert inst['bbox'] == [
                xs.min(), ys.min(),
                xs.max() + 1, ys.max() + 1
            ]
            assert inst['area'] == len(xs)
            eq_diam = np.sqrt(4 * len(xs) / np.pi)
            critical = inst['defect_type'] == 'crack' or eq_diam >= 0.025 * 128
            assert inst['label'] == (0 if critical else 1)
            seen.add(inst['defect_type'])
    assert seen == set(xc.DEFECT_TYPES)
    cracks = generate_xray_sample(
        0,
        0,
        128, (3, 3),
        defect_weights=dict(pore=0, void=0, cavity=0, crack=1))
    assert [d['label'] for d in cracks['instances']] == [0, 0, 0]
    with pytest.raises(ValueError, match='num_defects'):
        generate_xray_sample(0, 0, 64, num_defects=(3, 1))
    with pytest.raises(ValueError, match='defect_weights'):
        generate_xray_sample(0, 0, 64, defect_weights=dict(hole=1))


def test_sample_is_fast():
    generate_xray_sample(0, 0, 256)
    t = time.process_time()
    for i in range(5):
        generate_xray_sample(0, i, 256)
    assert (time.process_time() - t) / 5 < 0.1


def test_layout_images_masks_and_coco(root):
    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    for split in ('unlabelled', 'train', 'val'):
        n = SMALL[f'num_{split}']
        assert sorted(os.listdir(osp.join(
            root, split))) == [f'{i:06d}.png' for i in range(n)]
    manifest = json.load(open(osp.join(root, 'manifest.json')))
    assert manifest['params']['img_size'] == 64
    assert manifest['classes'] == list(CLASSES)
    coco = COCO(osp.join(root, 'annotations', 'train.json'))
    assert [c['name']
            for c in coco.loadCats(coco.getCatIds())] == ['critical', 'minor']
    assert len(coco.getImgIds()) == 4
    total = 0
    for img_id in coco.getImgIds():
        info = coco.loadImgs(img_id)[0]
        sample = generate_xray_sample(7, img_id - 1, 64, split='train')
        img = cv2.imread(
            osp.join(root, 'train', info['file_name']), cv2.IMREAD_UNCHANGED)
        assert img.dtype == np.uint16
        np.testing.assert_array_equal(img, sample['img'])
        masks = cv2.imread(
            osp.join(root, 'masks', 'train', info['file_name']),
            cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(masks, sample['inst_map'])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=img_id))
        assert len(anns) == len(sample['instances'])
        for ann, inst in zip(anns, sample['instances']):
            np.testing.assert_array_equal(
                coco.annToMask(ann), masks == ann['mask_value'])
            assert ann['bbox'] == list(mask_utils.toBbox(ann['segmentation']))
            assert ann['category_id'] == inst['label'] + 1
            assert ann['iscrowd'] == 0 and ann['area'] == inst['area']
        total += len(anns)
    assert total == len(coco.getAnnIds()) > 0
    assert len(COCO(osp.join(root, 'annotations', 'val.json')).imgs) == 2


def test_mmdet_coco_and_registered_det_dataset(root):
    from mmdet.datasets import CocoDataset
    coco = json.load(open(osp.join(root, 'annotations', 'train.json')))
    plain = CocoDataset(
        data_root=root,
        ann_file='annotations/train.json',
        data_prefix=dict(img='train/'),
        metainfo=dict(classes=CLASSES))
    assert len(plain) == 4
    ds = build_dataset(
        dict(
            type='SyntheticXRayDetDataset',
            data_root=root,
            split='train',
            synthetic=SMALL,
            pipeline=[
                dict(type='LoadXRayImage'),
                dict(
                    type='mmdet.LoadAnnotations',
                    with_bbox=True,
                    with_mask=True),
                dict(type='mmdet.PackDetInputs')
            ]))
    assert ds.metainfo['classes'] == ('critical', 'minor')
    assert len(ds) == 4
    n_inst = sum(len(ds.get_data_info(i)['instances']) for i in range(4))
    assert n_inst == len(coco['annotations'])
    out = ds[0]
    assert tuple(out['inputs'].shape) == (3, 64, 64)
    gt = out['data_samples'].gt_instances
    first = [a for a in coco['annotations'] if a['image_id'] == 1]
    x, y, w, h = first[0]['bbox']
    assert gt.bboxes.tensor[0].tolist() == [x, y, x + w, y + h]
    assert gt.labels.tolist() == [a['category_id'] - 1 for a in first]
    val = build_dataset(
        dict(
            type='SyntheticXRayDetDataset',
            data_root=root,
            split='val',
            synthetic=None))
    assert len(val) == 2


def test_reuse_mismatch_and_never_overwrite(tmp_path, root):
    stamp = os.stat(osp.join(root, 'manifest.json')).st_mtime_ns
    assert generate_synthetic_xray(root, **SMALL) == root  # reused
    assert os.stat(osp.join(root, 'manifest.json')).st_mtime_ns == stamp
    with pytest.raises(
            FileExistsError, match=r"differing: \['seed'\].*another folder"):
        generate_synthetic_xray(root, **dict(SMALL, seed=8))
    foreign = tmp_path / 'mine'
    foreign.mkdir()
    (foreign / 'scan.png').write_bytes(b'user data')
    with pytest.raises(FileExistsError, match='never overwritten'):
        generate_synthetic_xray(str(foreign), **SMALL)
    assert os.listdir(foreign) == ['scan.png']
    assert (foreign / 'scan.png').read_bytes() == b'user data'
    (tmp_path / 'afile').write_text('x')
    with pytest.raises(FileExistsError, match='not a folder'):
        generate_synthetic_xray(str(tmp_path / 'afile'), **SMALL)
    empty = tmp_path / 'empty'
    empty.mkdir()
    generate_synthetic_xray(str(empty), **dict(SMALL, num_unlabelled=1))
    assert osp.isfile(empty / 'manifest.json')
    assert not [d for d in os.listdir(tmp_path) if '.tmp-' in d]


def test_concurrent_writers_share_one_result(tmp_path):
    out = str(tmp_path / 'shared')
    params = dict(SMALL, num_unlabelled=2, num_train=2, num_val=1)
    with ThreadPoolExecutor(3) as pool:
        results = list(
            pool.map(lambda _: generate_synthetic_xray(out, **params),
                     range(3)))
    assert results == [out] * 3
    assert os.listdir(tmp_path) == ['shared']  # no temporary folders left
    assert len(os.listdir(osp.join(out, 'train'))) == 2


def test_lost_race_reuses_or_raises(tmp_path, monkeypatch):
    """Another process renames its finished folder into place first."""
    out = str(tmp_path / 'race')
    real_write = writers._write_dataset

    def write_then_lose(root, params, show, other_seed):
        real_write(root, params, show)
        other = dict(params, seed=other_seed)
        real_write(out, other, False)  # the winner's folder appears

    monkeypatch.setattr(writers, '_write_dataset',
                        lambda r, p, s: write_then_lose(r, p, s, p['seed']))
    generate_synthetic_xray(out, **dict(SMALL, num_unlabelled=1))
    assert os.listdir(tmp_path) == ['race']
    out = str(tmp_path / 'race2')
    monkeypatch.setattr(
        writers, '_write_dataset',
        lambda r, p, s: write_then_lose(r, p, s, p['seed'] + 1))
    with pytest.raises(FileExistsError, match='other parameters'):
        generate_synthetic_xray(out, **dict(SMALL, num_unlabelled=1))
    assert sorted(os.listdir(tmp_path)) == ['race', 'race2']


def test_distributed_rank_waits_for_rank0(tmp_path, monkeypatch):
    import mmengine.dist as mdist
    out = str(tmp_path / 'dist')
    events = []
    real_write = writers._write_dataset
    monkeypatch.setattr(writers, '_write_dataset', lambda *a:
                        (events.append('write'), real_write(*a)))

    def barrier():  # rank 0 generates while rank 1 waits here
        events.append('barrier')
        with monkeypatch.context() as m:
            m.setattr(mdist, 'get_dist_info', lambda: (0, 1))
            generate_synthetic_xray(out, **SMALL)

    monkeypatch.setattr(mdist, 'get_dist_info', lambda: (1, 2))
    monkeypatch.setattr(mdist, 'barrier', barrier)
    generate_synthetic_xray(out, **SMALL)  # as rank 1: waits, then reuses
    assert events == ['barrier', 'write']
    assert osp.isfile(osp.join(out, 'manifest.json'))


def test_xray_image_folder(root, tmp_path):
    ds = build_dataset(
        dict(type='XRayImageFolder', data_root=root, synthetic=SMALL))
    assert len(ds) == 3
    assert ds[0]['img_path'] == osp.join(root, 'unlabelled', '000000.png')
    val = build_dataset(
        dict(
            type='XRayImageFolder',
            data_root=root,
            split='val',
            synthetic=SMALL))
    assert len(val) == 2
    # own folder: recursive, case-insensitive, other files ignored
    own = tmp_path / 'xrays'
    (own / 'a' / 'b').mkdir(parents=True)
    img = np.zeros((8, 8), np.uint16)
    for name in ('x.png', 'a/y.TIF', 'a/b/z.tiff', 'a/b/w.bmp'):
        cv2.imwrite(
            str(own / name),
            img.astype(np.uint8 if name.endswith('bmp') else np.uint16))
    (own / 'notes.txt').write_text('not an image')
    ds = build_dataset(
        dict(
            type='XRayImageFolder',
            data_root=str(own),
            synthetic=None,
            pipeline=[
                dict(type='LoadXRayImage'),
                dict(type='mmpretrain.PackInputs')
            ]))
    assert [
        osp.relpath(d['img_path'], own)
        for d in (ds.get_data_info(i) for i in range(len(ds)))
    ] == ['a/b/w.bmp', 'a/b/z.tiff', 'a/y.TIF', 'x.png']
    assert tuple(ds[0]['inputs'].shape) == (3, 8, 8)
    with pytest.raises(InvalidDataError, match='does not exist') as e:
        build_dataset(
            dict(type='XRayImageFolder', data_root=str(tmp_path / 'nope')))
    assert 'nope' in str(e.value)
    (tmp_path / 'blank').mkdir()
    with pytest.raises(InvalidDataError, match='no images found') as e:
        build_dataset(
            dict(type='XRayImageFolder', data_root=str(tmp_path / 'blank')))
    assert 'blank' in str(e.value)


def test_tool_writes_data_and_grid(tmp_path):
    out = str(tmp_path / 'tool')
    generate_synthetic_xray_cli.main([
        out, '--num-unlabelled', '1', '--num-train', '3', '--num-val', '1',
        '--img-size', '64', '--grid-num', '3', '--grid-cols', '3',
        '--grid-tile', '64'
    ])
    grid = cv2.imread(osp.join(out, 'sample_grid.png'))
    assert grid.shape == (64 + 28, 3 * 64, 3)
    body = grid[:64]
    colour = (body[..., 0] != body[..., 1]) | (body[..., 1] != body[..., 2])
    assert colour.any()  # boxes drawn in colour on gray images
    assert json.load(open(osp.join(out, 'manifest.json')))['counts'] == {
        'unlabelled': 1,
        'train': 3,
        'val': 1
    }
