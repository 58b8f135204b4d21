"""SCL + ArcMargin end to end through tools/train.py and tools/test.py on a
tiny generated NEU-CLS data set (6 classes x 5 grey 200 x 200 JPEGs in the
real ``IMAGES/<class>_<n>.jpg`` layout): the 96 px no-ImageNet config with
no pretrained weights, 32 px, 3 images per class, 2 epochs."""
import os
import os.path as osp
import re

import cv2
import mmengine
import numpy as np
import pytest
import torch
from mmengine.config import Config

from defectzoo.cli import build_gallery as build_gallery_cli
from defectzoo.cli import test as test_cli
from defectzoo.cli import train as train_cli
from defectzoo.datasets.neu import NEU_CLASSES
from tests.conftest import CONFIGS
from tests.helpers.in_process import run_main

BASE = osp.join(
    CONFIGS, 'scl_arcmargin',
    'scl-arcmargin_r18-simclr-neu_1xb32-adam-30e_neu-20shot-'
    '96px.py')
PER_CLASS = 5  # 80 / 20 split: 4 train + 1 test image per class
K = 3


def make_textured_neu(root: str) -> str:
    """Stripes whose angle and period depend on the class, plus noise."""
    os.makedirs(osp.join(root, 'IMAGES'))
    yy, xx = np.mgrid[0:200, 0:200].astype(np.float32)
    rng = np.random.default_rng(0)
    for c, name in enumerate(NEU_CLASSES):
        angle = np.pi * c / 6
        period = 8 + 6 * c
        for n in range(1, PER_CLASS + 1):
            phase = rng.uniform(0, 2 * np.pi)
            wave = np.sin(2 * np.pi *
                          (xx * np.cos(angle) + yy * np.sin(angle)) / period +
                          phase)
            img = 128 + 60 * wave + rng.normal(0, 10, wave.shape)
            img = np.clip(img, 0, 255).astype(np.uint8)
            assert cv2.imwrite(
                osp.join(root, 'IMAGES', f'{name}_{n}.jpg'), img)
    return root


def _set_size(node, size: int) -> None:
    """Every mmpretrain ``Resize`` / ``RandomResizedCrop`` below ``node``
    at ``size`` px."""
    if isinstance(node, dict):
        if node.get('type') == 'mmpretrain.Resize':
            node['scale'] = (size, size)
        elif node.get('type') == 'mmpretrain.RandomResizedCrop':
            node['scale'] = size
        for value in node.values():
            _set_size(value, size)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _set_size(value, size)


def tiny_config(tmp_path, data_root) -> str:
    """The 96 px config on the fixture: 32 px, k=3, 2 epochs, batch 6, no
    pretrained weights, no worker processes."""
    cfg = Config.fromfile(BASE)
    root = str(data_root) + '/'
    cfg.model.init_cfg = None
    for name in ('train', 'gallery', 'test'):
        loader = cfg[f'{name}_dataloader']
        _set_size(loader.dataset, 32)
        loader.update(batch_size=6, num_workers=0, persistent_workers=False)
        if name == 'test':
            loader.dataset.data_root = root
        else:
            loader.dataset.k = K
            loader.dataset.dataset.data_root = root
    cfg.train_cfg.max_epochs = 2
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 2
    cfg.log_processor = dict(window_size=1)
    cfg.randomness = dict(seed=0)
    path = str(tmp_path / 'tiny_scl_arcmargin.py')
    cfg.dump(path)
    return path


def check_config(cfg, data_root):
    """Every data set of the config reads the fixture, at 32 px, k=3."""
    root = str(data_root) + '/'
    train = cfg.train_dataloader.dataset
    gallery = cfg.gallery_dataloader.dataset
    test = cfg.test_dataloader.dataset
    assert train.dataset.data_root == root
    assert gallery.dataset.data_root == root
    assert test.data_root == root
    assert (train.type, gallery.type) == ('KPerClassSubset', ) * 2
    assert train.k == gallery.k == K and train.seed == gallery.seed
    assert (train.dataset.split, gallery.dataset.split,
            test.split) == ('train', 'train', 'test')
    views = train.dataset.pipeline[1]
    assert views.type == 'mmpretrain.MultiView'
    assert views.transforms[0][0].scale == (32, 32)
    assert views.transforms[1][0].scale == 32
    assert gallery.dataset.pipeline[1].scale == (32, 32)
    assert test.pipeline[1].scale == (32, 32)
    assert cfg.model.init_cfg is None
    assert cfg.model.backbone.depth == 18
    assert any(h.type == 'ReferenceGalleryHook' for h in cfg.custom_hooks)


def test_train_then_test(tmp_path):
    data_root = make_textured_neu(str(tmp_path / 'neu-det'))
    cfg_path = tiny_config(tmp_path, data_root)
    check_config(Config.fromfile(cfg_path), data_root)

    work_dir = tmp_path / 'work'
    proc = run_main(train_cli, [cfg_path, '--work-dir', work_dir])
    train_log = proc.output
    assert 'loss_con' in train_log and 'loss_arc' in train_log
    assert 'reference gallery: 18 images, per class [3, 3, 3, 3, 3, 3]' \
        in train_log
    # the dumped config is the one that ran
    check_config(
        Config.fromfile(str(work_dir / osp.basename(cfg_path))), data_root)

    ckpt_path = work_dir / 'epoch_2.pth'
    ckpt = torch.load(ckpt_path, map_location='cpu', weights_only=False)
    state = ckpt['state_dict']
    assert state['gallery_embeddings'].shape == (6 * K, 128)
    assert state['gallery_labels'].bincount().tolist() == [K] * 6
    assert torch.isfinite(state['gallery_embeddings']).all()
    torch.testing.assert_close(state['gallery_embeddings'].norm(dim=1),
                               torch.ones(6 * K))

    out = tmp_path / 'preds.pkl'
    proc = run_main(
        test_cli,
        [cfg_path, ckpt_path, '--work-dir', tmp_path / 'test', '--out', out])
    test_log = proc.output
    found = re.findall(r'accuracy/top1: ([0-9.]+)', test_log)
    assert found, test_log[-3000:]
    assert 0.0 <= float(found[-1]) <= 100.0
    # 6 test images (one per class); the checkpoint's gallery is used as it
    # is, not rebuilt before testing
    assert 'reference gallery:' not in test_log
    preds = mmengine.load(str(out))
    assert len(preds) == 6
    assert sorted(int(p['gt_label']) for p in preds) == list(range(6))
    for p in preds:
        assert p['pred_score'].shape == (6, )
        assert p['embedding'].shape == (128, )

    check_build_gallery(tmp_path, cfg_path, ckpt_path, data_root)


def check_build_gallery(tmp_path, cfg_path, ckpt_path, data_root):
    """tools/misc/build_gallery.py: references from a class-folder tree,
    written to a new checkpoint; the input is untouched, --out never
    overwritten."""
    import shutil
    refs = tmp_path / 'refs'
    for name in ('crazing', 'scratches'):
        os.makedirs(refs / name)
        for n in (1, 2, 3):
            shutil.copy(
                osp.join(data_root, 'IMAGES', f'{name}_{n}.jpg'), refs / name)
    before = ckpt_path.read_bytes()
    out = tmp_path / 'refs.pth'
    args = [
        cfg_path, ckpt_path, '--folder', refs, '--out', out,
        '--refs-per-class', '2'
    ]
    run_main(build_gallery_cli, args)
    assert ckpt_path.read_bytes() == before
    state = torch.load(out, map_location='cpu', weights_only=False)
    labels = state['state_dict']['gallery_labels']
    # folder classes mapped to the checkpoint's: crazing 0, scratches 5
    assert labels.bincount(minlength=6).tolist() == [2, 0, 0, 0, 0, 2]
    assert state['state_dict']['gallery_embeddings'].shape == (4, 128)
    assert state['meta']['gallery']['refs_per_class'] == 2
    written = out.read_bytes()
    proc = run_main(build_gallery_cli, args, expect_failure=True)
    assert proc.returncode != 0 and 'exists' in proc.stderr
    assert out.read_bytes() == written
    # new class names (a new line's defects): inference reports them
    new = tmp_path / 'new_refs'
    for name, src in (('burr', 'crazing'), ('dent', 'scratches')):
        os.makedirs(new / name)
        for n in (1, 2, 3):
            shutil.copy(
                osp.join(data_root, 'IMAGES', f'{src}_{n}.jpg'), new / name)
    out2 = tmp_path / 'new.pth'
    run_main(build_gallery_cli, [
        cfg_path, ckpt_path, '--folder', new, '--out', out2, '--classes',
        'burr', 'dent'
    ])
    state = torch.load(out2, map_location='cpu', weights_only=False)
    assert tuple(state['meta']['dataset_meta']['classes']) == ('burr', 'dent')
    assert state['state_dict']['gallery_labels'].tolist() == [0] * 3 + [1] * 3


@pytest.mark.parametrize('path', [BASE])
def test_base_config_reads_data_root_everywhere(path, tmp_path):
    # the 96 px config's own data_root reaches all three data sets
    cfg = Config.fromfile(path)
    assert cfg.train_dataloader.dataset.dataset.data_root == cfg.data_root
    assert cfg.gallery_dataloader.dataset.dataset.data_root == cfg.data_root
    assert cfg.test_dataloader.dataset.data_root == cfg.data_root
    assert cfg.gallery_dataloader.dataset.k == cfg.k_per_class
    assert cfg.train_dataloader.dataset.k == cfg.k_per_class
