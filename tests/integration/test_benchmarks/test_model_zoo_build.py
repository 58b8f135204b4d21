"""``benchmarks/model_zoo.py`` builds a two-entry tiny zoo (the zoo's own
NEU-CLS classifier recipe and its NEU-DET RTMDet recipe, whose backbone comes
from the classifier through ``zoo://``, cut to 32 / 64 px and 2 epochs on a
NEU-DET fixture) twice, in two work dirs and release folders: the published
files, ``SHA256SUMS`` and ``manifest.json`` are the same bytes.

The tools run in this process (``launch`` of ``tests.helpers.in_process``,
each from a child process's state) instead of one child process each: the
build's own child processes spent most of the time importing torch and
OpenMMLab."""
import gc
import json
import os
import os.path as osp

import pytest
import torch

from tests.conftest import CONFIGS, write_config
from tests.helpers import in_process
from tests.helpers.defect_fixtures import make_neu
from tests.unit.test_benchmarks.test_benchmark_options import load

pytestmark = pytest.mark.xdist_group('model_zoo_build')

CLS, DET = 'tiny-cls_cspnext_1xb4-adamw-2e_neu-32px', \
    'tiny-det_rtmdet_1xb4-adamw-2e_neu-64px'


def tiny_zoo_root(root, bench):
    os.makedirs(osp.join(root, 'configs', 'tiny'))
    with open(osp.join(root, 'model-index.yml'), 'w') as f:
        f.write('Import:\n  - configs/tiny/metafile.yml\n')
    with open(osp.join(root, 'configs', 'tiny', 'metafile.yml'), 'w') as f:
        f.write('Models:\n')
    cls_base = osp.join(CONFIGS, 'resnet', bench.NEU_CLS + '.py')
    det_base = osp.join(CONFIGS, 'neu_det', bench.NEU_DET + '.py')
    schedule = """
        param_scheduler = [
            dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=2),
            dict(type='CosineAnnealingLR', T_max=2, by_epoch=True,
                 convert_to_iter_based=True)]
        train_cfg = dict(max_epochs=2, val_interval=1)
        default_hooks = dict(checkpoint=dict(interval=2))
        """
    write_config(
        osp.join(root, 'configs', 'tiny', CLS + '.py'), f"""
        _base_ = {cls_base!r}
        train_dataloader = dict(batch_size=4, dataset=dict(pipeline=[
            dict(type='LoadImageChecked'),
            dict(type='mmpretrain.RandomResizedCrop', scale=32),
            dict(type='RandomRot90'),
            dict(type='mmpretrain.RandomFlip', prob=0.5,
                 direction=['horizontal', 'vertical']),
            dict(type='mmpretrain.PackInputs')]))
        test_pipeline = [
            dict(type='LoadImageChecked'),
            dict(type='mmpretrain.Resize', scale=(32, 32)),
            dict(type='mmpretrain.PackInputs')]
        val_dataloader = dict(batch_size=4,
                              dataset=dict(pipeline=test_pipeline))
        test_dataloader = val_dataloader
        """, schedule)
    write_config(
        osp.join(root, 'configs', 'tiny', DET + '.py'), f"""
        _base_ = {det_base!r}
        backbone_checkpoint = 'zoo://{CLS}'
        model = dict(backbone=dict(init_cfg=dict(
            checkpoint=backbone_checkpoint)))
        s = (64, 64)
        train_dataloader = dict(batch_size=4, dataset=dict(pipeline=[
            dict(type='LoadImageChecked'),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(type='mmdet.CachedMosaic', img_scale=s, pad_val=114.0,
                 max_cached_images=4, random_pop=False),
            dict(type='mmdet.RandomResize', resize_type='mmdet.Resize',
                 scale=(128, 128),
                 ratio_range=(0.5, 1.5), keep_ratio=True),
            dict(type='mmdet.RandomCrop', crop_size=s),
            dict(type='mmdet.YOLOXHSVRandomAug'),
            dict(type='mmdet.RandomFlip', prob=0.5),
            dict(type='mmdet.Pad', size=s, pad_val=dict(img=(114, ) * 3)),
            dict(type='mmdet.FilterAnnotations', min_gt_bbox_wh=(1, 1)),
            dict(type='mmdet.PackDetInputs')]))
        test_pipeline = [
            dict(type='LoadImageChecked'),
            dict(type='mmdet.Resize', scale=s, keep_ratio=True),
            dict(type='mmdet.Pad', size=s, pad_val=dict(img=(114, ) * 3)),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(type='mmdet.PackDetInputs', meta_keys=(
                'img_id', 'img_path', 'ori_shape', 'img_shape',
                'scale_factor', 'instances'))]
        val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
        test_dataloader = val_dataloader
        custom_hooks = [
            dict(type='RandomStateHook'),
            dict(type='CheckFiniteHook'),
            dict(type='mmdet.EMAHook', ema_type='mmdet.ExpMomentumEMA',
                 momentum=0.002, update_buffers=True, priority=49),
            dict(type='mmdet.PipelineSwitchHook', switch_epoch=1,
                 switch_pipeline=test_pipeline)]
        """, schedule)
    return root


@pytest.fixture
def tiny_bench(monkeypatch):
    bench = load('model_zoo')
    common = dict(folder='tiny', data='neu', lane=0, epochs=2, dataset='NEU')
    monkeypatch.setattr(
        bench, 'ZOO', {
            CLS:
            dict(
                common,
                task='classification',
                metric=('accuracy/top1', 'Top 1 Accuracy', 0.0),
                also={'single-label/recall': 'Balanced Accuracy'}),
            DET:
            dict(
                common,
                task='detection',
                metric=('det/AP50_voc', 'mAP50 (VOC)', 0.0),
                also={'det/AP_coco': 'mAP (COCO)'},
                scale=100),
        })
    for key in ('DEFECTZOO_ZOO_MIRROR', 'DEFECTZOO_ZOO_INDEX',
                'DEFECTZOO_CACHE', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(bench, 'launch', in_process.launch)
    # a child process's SIGTERM / SIGINT handler: signal.signal works in
    # the main thread only, and the tools run in the build's lane threads
    monkeypatch.setattr('defectzoo.cli.train.end_workers_on_signal',
                        lambda: None)
    # the configs' text in logs, work dirs and training checkpoints (not in
    # a published file) left as mmengine writes it, not formatted by yapf
    # (a second per Runner)
    monkeypatch.setattr('mmengine.config.config.FormatCode',
                        lambda text, **kwargs: (text, False))
    # mmengine collects the garbage each time it builds a dataset: not the
    # objects of this process (pytest, imports) over and over
    gc.collect()
    gc.freeze()
    yield bench
    gc.unfreeze()


def build(bench, tmp_path, data, run):
    root = tiny_zoo_root(str(tmp_path / f'zoo{run}'), bench)
    release = tmp_path / f'release{run}'
    bench.main([
        '--neu-root', data, '--work-dir',
        str(tmp_path / f'work{run}'), '--release-dir',
        str(release), '--date', '20261207', '--zoo-root', root,
        '--figures-dir',
        str(tmp_path / f'figures{run}'), '--results',
        str(tmp_path / f'model_zoo{run}.json')
    ])
    for key in ('DEFECTZOO_ZOO_MIRROR', 'DEFECTZOO_ZOO_INDEX',
                'DEFECTZOO_CACHE'):
        os.environ.pop(key, None)
    return root, release


def test_two_builds_publish_the_same_bytes(tmp_path, tiny_bench):
    data = make_neu(str(tmp_path / 'neu'), per_class=6)
    builds = [build(tiny_bench, tmp_path, data, run) for run in (1, 2)]
    (root, release), (_, release2) = builds
    names = sorted(os.listdir(release))
    assert names == sorted(os.listdir(release2))
    assert names == sorted([
        'SHA256SUMS', 'manifest.json',
        *[n for n in names if n.endswith('.pth')]
    ]) and len(names) == 4, names
    for name in names:  # bit for bit
        assert (release / name).read_bytes() == \
            (release2 / name).read_bytes(), name
    sums = dict(line.split()[::-1]
                for line in (release / 'SHA256SUMS').read_text().splitlines())
    manifest = json.loads((release / 'manifest.json').read_text())
    assert manifest['release'] == '20261207'
    assert {m['name'] for m in manifest['models']} == {CLS, DET}
    for m in manifest['models']:
        assert sums[m['file']] == m['sha256']
        assert m['file'].startswith(f'{m["name"]}_20261207-{m["sha256"][:8]}')
        assert m['dtype'] in ('fp16', 'fp32')
        ckpt = torch.load(release / m['file'], weights_only=True)
        assert set(
            ckpt['meta']) <= {'epoch', 'iter', 'seed', 'dataset_meta', 'ood'}
    # the metafile pins the published hashes: zoo:// accepts the files
    meta = open(osp.join(root, 'configs', 'tiny', 'metafile.yml')).read()
    for m in manifest['models']:
        assert f'Weights SHA256: {m["sha256"]}' in meta
    # pictures and the zoo table
    figures = tmp_path / 'figures1'
    assert (figures / f'{CLS}_curve.png').stat().st_size > 1000
    assert (figures / f'{CLS}_confusion.png').stat().st_size > 1000
    assert (figures / f'{DET}_curve.png').stat().st_size > 1000
    table = json.loads((tmp_path / 'model_zoo1.json').read_text())
    rows = table['tables']['models']['rows']
    assert [r[0] for r in rows] == [CLS, DET]
    assert all(r[10] > 0 for r in rows)  # latency (ms)
