"""End to end on tiny data: train Magna-Defect-GAN (Runner), sample a
synthetic set with tools/misc/sample_defects.py, load it with the
classification configs that mix it in; sampler argument errors."""
import glob
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from defectzoo.cli import sample_defects as sample_defects_cli
from defectzoo.registry import DATASETS
from tests.conftest import CONFIGS, write_config
from tests.helpers.defect_fixtures import make_magnetic_tile

GAN_CFG = osp.join(
    CONFIGS, 'magna_defect_gan',
    'magna-defect-gan_unet-patchgan_1xb8-7k_magnetic-tile-256px.py')
BENCH = osp.join(CONFIGS, 'magna_defect_gan', 'benchmarks')


def tiny_gan_config(tmp_path, root):
    ds = dict(data_root=root, split=None)
    return write_config(
        tmp_path / 'tiny_gan.py', f"""
        _base_ = {GAN_CFG!r}
        model = dict(
            generator=dict(img_size=128, base_channels=4, max_channels=8),
            discriminator=dict(base_channels=4),
            style_loss=dict(feature_net=dict(stem_channels=4,
                                             base_channels=4)))
        _resize = dict(type='Resize', scale=(128, 128), keep_ratio=False)
        _pipe = [dict(type='LoadImageChecked', color_type='grayscale'),
                 dict(type='LoadDefectMask'), {{{{_base_.guide}}}}, _resize,
                 dict(type='PackDefectPairInputs')]
        train_dataloader = dict(batch_size=2, num_workers=0,
                                persistent_workers=False,
                                dataset=dict(pipeline=_pipe, **{ds!r}))
        test_dataloader = dict(batch_size=4, num_workers=0,
                               persistent_workers=False,
                               dataset=dict(pipeline=_pipe, **{ds!r}))
        val_dataloader = None
        val_cfg = None
        val_evaluator = None
        test_evaluator = dict(
            feature_net=dict(stem_channels=4, base_channels=4),
            kid_subset_size=4)
        train_cfg = dict(max_iters=2, val_interval=2)
        default_hooks = dict(checkpoint=dict(interval=2),
                             logger=dict(interval=1))
        custom_hooks = [dict(type='GANSampleGridHook', interval=1,
                             num_rows=2)]
        """)


def test_train_sample_and_mix_into_a_classification_config(tmp_path):
    from mmengine.runner import Runner
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    cfg = Config.fromfile(tiny_gan_config(tmp_path, root))
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert {'gen/FID', 'gen/KID', 'gen/ms_per_image'} <= set(metrics)
    # both losses logged
    scalars = glob.glob(
        str(tmp_path / 'work' / '*' / 'vis_data' / 'scalars.json'))
    with open(scalars[0]) as f:
        logged = set().union(*(json.loads(line) for line in f))
    assert {'loss_disc', 'loss_gen', 'loss_gen_style'} <= logged
    grids = sorted(glob.glob(str(tmp_path / 'work' / 'samples' / '*.png')))
    assert [osp.basename(g) for g in grids] == ['iter_1.png', 'iter_2.png']
    from PIL import Image
    w, h = Image.open(grids[0]).size
    assert (w, h) == (2 + 5 * 130, 2 + 2 * 130)  # 5 columns, 2 rows

    out = str(tmp_path / 'syn')
    ckpt = str(tmp_path / 'work' / 'iter_2.pth')
    sample_defects_cli.main([
        str(tmp_path / 'tiny_gan.py'), ckpt, '--num', '6', '--out', out,
        '--batch-size', '4', '--guide', 'brightness=1'
    ])
    meta = json.load(open(osp.join(out, 'meta.json')))
    assert len(meta['images']) == 6
    assert all(m['guide']['brightness'] == 1 for m in meta['images'])
    assert osp.isfile(osp.join(out, 'grid.png'))
    for m in meta['images']:
        import cv2
        mask = cv2.imread(osp.join(out, m['mask']), 0)
        img = cv2.imread(osp.join(out, m['file']), 0)
        assert mask.shape == img.shape == (128, 128) and mask.max() == 255

    # the (e') config mixes it with the real training images
    init_default_scope('defectzoo')
    mixed = Config.fromfile(
        osp.join(
            BENCH,
            'ce_r18-w16_1xb32-adam-10e_magnetic-tile-binary-mixed-64px.py'))
    concat = mixed.train_dataloader.dataset
    concat.datasets[0].data_root = root
    concat.datasets[1].dataset.data_root = out
    ds = DATASETS.build(concat)
    real = len(ds.datasets[0])
    assert len(ds) == real + 6
    item = ds[real]
    assert item['data_samples'].gt_label.item() == 1  # defect
    assert tuple(item['inputs'].shape) == (3, 64, 64)
    # a defect-type classification config reads labels.txt
    types = DATASETS.build(
        dict(
            type='ImageFolderClsDataset',
            data_root=out,
            data_prefix='',
            ann_file='labels.txt',
            metainfo=dict(
                classes=tuple(
                    open(osp.join(out, 'classes.txt')).read().split()))))
    assert len(types) == 6
    # and the segmentation loader reads images + masks
    seg = DATASETS.build(dict(type='ImageMaskFolderDataset', data_root=out))
    assert len(seg) == 6


def test_sampler_rejects_guide_values_outside_the_declared_ones():
    guide = dict(
        defect_types=['Crack', 'Fray'],
        brightness_edges=(75, 95),
        texture_edges=(5.5, ))
    assert sample_defects_cli.parse_fixed_guide(
        ['defect_type=Fray', 'texture=1'], guide) == {
            0: 1,
            2: 1
        }
    with pytest.raises(ValueError, match="'Scratch' is not one of"):
        sample_defects_cli.parse_fixed_guide(['defect_type=Scratch'], guide)
    with pytest.raises(ValueError, match='bin index in 0..1'):
        sample_defects_cli.parse_fixed_guide(['texture=2'], guide)
    with pytest.raises(ValueError, match='unknown attribute'):
        sample_defects_cli.parse_fixed_guide(['colour=1'], guide)


def test_mask_sampler_shifts_rotates_scales_and_combines():
    from defectzoo.datasets.synthetic.mask_sampler import (MaskSampler,
                                                           transform_mask)
    mask = np.zeros((32, 32), np.uint8)
    mask[10:14, 8:20] = 1
    # 90 degrees about the centre of mass turns a 12x4 bar into 4x12
    rot = transform_mask(mask, 90, 1.0, (0, 0))
    ys, xs = np.nonzero(rot)
    assert (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == (4, 12)
    shifted = transform_mask(mask, 0, 1.0, (5, 3))
    assert np.array_equal(shifted[13:17, 13:25], mask[10:14, 8:20])
    assert transform_mask(mask, 0, 2.0, (0, 0)).sum() > 3 * mask.sum()
    other = np.zeros_like(mask)
    other[25:30, 25:30] = 1
    sampler = MaskSampler([mask, other], [[0, 1, 2], [1, 0, 0]],
                          combine_prob=1.0,
                          fixed_guide={0: 0},
                          seed=0)
    new, guide, src = sampler.sample()
    assert new.any() and guide[0] == 0 and src == [0, 0]
    with pytest.raises(ValueError, match='no real mask of defect type'):
        MaskSampler([mask], [[0, 1, 2]], fixed_guide={0: 3})
