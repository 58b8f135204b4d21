"""Optional checks on the real NEU and magnetic-tile data.

Looked for in ``$DEFECTZOO_DATASETS`` or else ``../shared/datasets`` beside
the repository; skipped when absent. Annotations and file headers are read
(no decoding), a few seconds each.
"""
import os
import os.path as osp
from collections import Counter

import pytest

from tests.conftest import REPO_ROOT

DATASETS_DIR = os.environ.get('DEFECTZOO_DATASETS',
                              osp.join(REPO_ROOT, '..', 'shared', 'datasets'))


def _root(name):
    root = osp.join(DATASETS_DIR, name)
    if not osp.isdir(root):
        pytest.skip(f'real data set {name} not found at {root} (set '
                    'DEFECTZOO_DATASETS to the folder holding it)')
    return root


def test_real_neu():
    from defectzoo.datasets.neu import (NEU_CLASSES, NEUClsDataset,
                                        NEUDetDataset)
    root = _root('neu-det')
    cls = NEUClsDataset(data_root=root)
    assert len(cls) == 1800 and cls.metainfo['classes'] == NEU_CLASSES
    labels = Counter(cls.get_data_info(i)['gt_label'] for i in range(1800))
    assert labels == {c: 300 for c in range(6)}
    det = NEUDetDataset(data_root=root)  # raises on any annotation problem
    assert len(det) == 1800 and not det.invalid_samples
    boxes = [i for k in range(1800) for i in det.get_data_info(k)['instances']]
    assert len(boxes) == 4189
    assert all(0 <= b['bbox'][0] < b['bbox'][2] <= 200
               and 0 <= b['bbox'][1] < b['bbox'][3] <= 200
               for b in (i for i in boxes))
    assert Counter(b['bbox_label']
                   for b in boxes)[NEU_CLASSES.index('rolled-in_scale')] == 628
    splits = [
        len(NEUClsDataset(data_root=root, split=s, check_images='none'))
        for s in ('train', 'val', 'test')
    ]
    assert splits == [1260, 180, 360]


def test_real_magnetic_tile():
    from defectzoo.datasets.magnetic_tile import (MT_CLASSES,
                                                  MagneticTileClsDataset,
                                                  MagneticTileSegDataset)
    root = _root('magnetic-tile')
    cls = MagneticTileClsDataset(data_root=root)
    counts = Counter(MT_CLASSES[cls.get_data_info(i)['gt_label']]
                     for i in range(len(cls)))
    assert counts == dict(
        Blowhole=115, Break=85, Crack=57, Fray=32, Uneven=103, Free=952)
    # every image has a mask of its size (header checks, no decoding)
    seg = MagneticTileSegDataset(data_root=root, check_empty_masks=False)
    assert len(seg) == 1344 and not seg.invalid_samples
    assert all(
        osp.isfile(seg.get_data_info(i)['seg_map_path'])
        for i in range(len(seg)))
