"""The released zoo models on real images, through ``zoo://`` like a user.

They run when the release folder is mirrored (``$DEFECTZOO_ZOO_MIRROR``
holds the files the metafiles pin; ``.ci/run`` points it at the published
release) and NEU-DET is on disk (``$DEFECTZOO_NEU_ROOT``, ``IMAGES/`` +
``ANNOTATIONS/``; magnetic tile: ``$DEFECTZOO_MT_ROOT``), and skip saying
which is missing otherwise.
A mirrored file whose hash is not the pinned one is an error, not a skip.
"""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from defectzoo.apis import get_model_info, init_inferencer
from defectzoo.utils import zoo
from tests.conftest import REPO_ROOT

NEU_CLS = 'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'
NEU_DET = 'rtmdet-lite_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-160px'
MT_CLS = ('mask-sup_cspnext-tiny-neu-cls_1xb32-adamw-coslr-25e_'
          'magnetic-tile-224px')
NEU_ROOT_ENV = 'DEFECTZOO_NEU_ROOT'
MT_ROOT_ENV = 'DEFECTZOO_MT_ROOT'
NEU_CLASSES = ('crazing', 'inclusion', 'patches', 'pitted_surface',
               'rolled-in_scale', 'scratches')


def released(name):
    """Skip unless ``name``'s pinned file is in the mirror."""
    mirror = os.environ.get(zoo.ZOO_MIRROR_ENV)
    if not mirror:
        pytest.skip(f'{zoo.ZOO_MIRROR_ENV} is not set (the published '
                    'release is not mirrored here)')
    info = get_model_info(name)
    if not osp.isfile(osp.join(mirror, info.filename)):
        pytest.skip(f'the mirror {mirror} has no {info.filename} (the '
                    'release pinned by the metafiles is not published yet)')
    return f'zoo://{name}'


def data_root(env, marker, what):
    """``$env`` when it names a folder holding ``marker``, else skip."""
    root = os.environ.get(env)
    if not root or not osp.isdir(osp.join(root, marker)):
        pytest.skip(f'{env} does not name a {what}')
    return root


@pytest.fixture(scope='module')
def neu_root():
    return data_root(NEU_ROOT_ENV, 'IMAGES',
                     'NEU-DET folder (IMAGES/ + ANNOTATIONS/)')


@pytest.fixture(scope='module')
def mt_root():
    return data_root(MT_ROOT_ENV, 'MT_Free',
                     'magnetic-tile folder (MT_<Class>/Imgs/)')


def held_out(neu_root, kind, per_class):
    """The first ``per_class`` held-out (test split) images of each class."""
    from defectzoo.datasets import NEUClsDataset, NEUDetDataset
    cls = NEUClsDataset if kind == 'cls' else NEUDetDataset
    kwargs = {} if kind == 'cls' else dict(test_mode=True)
    data = cls(data_root=osp.join(neu_root, ''), split='test', **kwargs)
    taken, out = {}, []
    for info in (data.get_data_info(i) for i in range(len(data))):
        name = osp.basename(info['img_path']).rsplit('_', 1)[0]
        if taken.get(name, 0) < per_class:
            taken[name] = taken.get(name, 0) + 1
            out.append(info)
    return out


def test_neu_classifier_meets_its_bar_on_60_held_out_images(neu_root):
    weights = released(NEU_CLS)
    samples = held_out(neu_root, 'cls', 10)
    assert len(samples) == 60
    inf = init_inferencer(NEU_CLS, weights)
    out = inf.run([s['img_path'] for s in samples],
                  show_progress=False)['predictions']
    right = sum(p['pred_class'] == NEU_CLASSES[s['gt_label']]
                for p, s in zip(out, samples))
    # the bar, 99 % of the 360-image test split, allows 3 errors there; at
    # most one of 60 (release 20261207: 357 of 360, 59 of these 60)
    assert right >= 59, f'{right} of 60 right'


def test_neu_detector_finds_the_defects_of_20_held_out_images(neu_root):
    from mmdet.evaluation import eval_map
    weights = released(NEU_DET)
    samples = held_out(neu_root, 'det', 4)[:20]
    inf = init_inferencer(NEU_DET, weights, score_thr=0.01)
    out = inf.run([s['img_path'] for s in samples],
                  show_progress=False)['predictions']
    n_cls = len(NEU_CLASSES)
    dets, gts = [], []
    for p, s in zip(out, samples):
        per_class = [np.zeros((0, 5), np.float32) for _ in range(n_cls)]
        for b in p['boxes']:
            per_class[b['label']] = np.vstack(
                [per_class[b['label']], [*b['bbox'], b['score']]])
        dets.append(per_class)
        inst = [i for i in s['instances'] if not i['ignore_flag']]
        gts.append(
            dict(
                bboxes=np.array([i['bbox'] for i in inst], np.float32),
                labels=np.array([i['bbox_label'] for i in inst])))
    mean_ap, _ = eval_map(dets, gts, iou_thr=0.5, logger='silent', nproc=1)
    # release 20261207 (NMS IoU 0.4): 0.537 here, 0.570 on the whole test
    # split, below the zoo's bar of 0.60 (model_zoo.md says so): this
    # guards the release
    assert mean_ap >= 0.45, f'mAP50 {mean_ap:.3f} on 20 test images'


def test_tile_classifier_finds_the_defects_of_held_out_tiles(mt_root):
    """3 held-out tiles of each defect class and 12 defect-free ones."""
    from defectzoo.datasets import MagneticTileClsDataset
    weights = released(MT_CLS)
    data = MagneticTileClsDataset(
        data_root=osp.join(mt_root, ''), split='test')
    classes = data.metainfo['classes']
    taken, samples = {}, []
    for info in (data.get_data_info(i) for i in range(len(data))):
        name = classes[info['gt_label']]
        if taken.get(name, 0) < (12 if name == 'Free' else 3):
            taken[name] = taken.get(name, 0) + 1
            samples.append(info)
    assert len(samples) == 27
    inf = init_inferencer(MT_CLS, weights)
    out = inf.run([s['img_path'] for s in samples],
                  show_progress=False)['predictions']
    recall = [
        np.mean([
            p['pred_class'] == c for p, s in zip(out, samples)
            if classes[s['gt_label']] == c
        ]) for c in classes
    ]
    # release 20261207: 78.4 % balanced accuracy on the 268-tile test
    # split (bar 80); 70.8 % on these 27 tiles (a constant answer: 16.7)
    assert np.mean(recall) >= 0.6, dict(zip(classes, recall))


def test_infer_tool_writes_a_report_on_real_images(neu_root, tmp_path):
    released(NEU_CLS)
    images = tmp_path / 'parts'
    images.mkdir()
    for s in held_out(neu_root, 'cls', 2):
        os.symlink(s['img_path'], images / osp.basename(s['img_path']))
    proc = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'infer.py'), NEU_CLS,
        str(images), '--out-dir',
        str(tmp_path / 'report')
    ],
                          capture_output=True,
                          text=True,
                          cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [
        json.loads(line)
        for line in open(tmp_path / 'report' / 'results.jsonl')
    ]
    assert len(rows) == 12
    right = sum(r['pred_class'] in r['input'] for r in rows)
    assert right >= 11, [(r['input'], r['pred_class']) for r in rows]
    assert (tmp_path / 'report' / 'report.html').stat().st_size > 1000
