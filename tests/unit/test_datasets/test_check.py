"""tools/misc/check_dataset.py and browse_dataset.py on fixtures."""
import os.path as osp
import re

import cv2
import numpy as np

from defectzoo.cli import browse_dataset as browse_dataset_cli
from defectzoo.datasets.dataset_check import prepare_dataset_cfg
from tests.helpers.dataset_files import run_check_dataset
from tests.helpers.defect_fixtures import (make_magnetic_tile, make_neu,
                                           truncate)

ALL = ['--cfg-options', 'train_dataloader.dataset.split=None']
SIZE2 = 30


def test_prepare_dataset_cfg():
    from mmengine.registry import DefaultScope
    cfg = dict(
        type='KPerClassSubset',
        k=2,
        dataset=dict(
            type='NEUClsDataset',
            data_root='a',
            pipeline=[dict(type='LoadImageChecked')]))
    with DefaultScope.overwrite_default_scope('defectzoo'):
        out = prepare_dataset_cfg(cfg, data_root='b', drop_pipeline=True)
    assert out['dataset'] == dict(
        type='NEUClsDataset',
        data_root='b',
        pipeline=[],
        skip_invalid=True,
        check_images='none')
    assert 'skip_invalid' not in out and 'skip_invalid' not in cfg['dataset']


def test_check_dataset_neu(tmp_path, capsys):
    root = make_neu(str(tmp_path / 'neu'))
    assert run_check_dataset('neu_det.py', '--data-root', root, '--split',
                             'train', *ALL) == 0
    out = capsys.readouterr().out
    assert '== train: 12 samples read' in out
    assert re.search(r'rolled-in_scale +2 +3\n', out)
    assert 'No problems found.' in out
    # every split by default (val / test of 2 images a class are empty)
    assert run_check_dataset('neu_cls.py', '--data-root', root) == 0
    assert '== val: 0 samples read' in capsys.readouterr().out

    bad = osp.join(root, 'IMAGES', 'patches_2.jpg')
    truncate(bad)
    cv2.imwrite(
        osp.join(root, 'IMAGES', 'scratches_1.jpg'),
        np.zeros((SIZE2, SIZE2), np.uint8))  # XML says 24 x 24
    assert run_check_dataset('neu_det.py', '--data-root', root, '--split',
                             'train', *ALL) == 1
    out = capsys.readouterr().out
    assert f'{bad}: truncated image: JPEG end-of-image marker missing' in out
    assert 'scratches_1.xml: annotated image size 24x24 differs' in out
    assert '2 problem(s) found.' in out


def test_check_dataset_magnetic_tile(tmp_path, capsys):
    """Mask classes and folder classes are counted; a bad image is named."""
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    assert run_check_dataset('magnetic_tile_seg.py', '--data-root', root,
                             '--split', 'train', *ALL) == 0
    out = capsys.readouterr().out
    assert re.search(r'defect +7\n', out)
    assert 'Free 3' in out
    # a JPEG start and end marker around nothing: not decodable
    path = osp.join(root, 'MT_Fray', 'Imgs', 'exp1_num_30.jpg')
    with open(path, 'wb') as f:
        f.write(b'\xff\xd8\xff\xe0' + b'\x00' * 50 + b'\xff\xd9')
    assert run_check_dataset('magnetic_tile_cls.py', '--data-root', root,
                             '--split', 'train', *ALL) == 1
    assert f'{path}: unreadable image' in capsys.readouterr().out


def test_browse_dataset(tmp_path):
    from tests.conftest import CONFIGS
    neu = make_neu(str(tmp_path / 'neu'))
    mt = make_magnetic_tile(str(tmp_path / 'mt'))
    for name, root in (('neu_det.py', neu), ('neu_cls.py', neu),
                       ('magnetic_tile_seg.py', mt)):
        out = str(tmp_path / name)
        assert browse_dataset_cli.main([
            osp.join(CONFIGS, '_base_', 'datasets', name), '--out-dir', out,
            '--data-root', root, '--num', '6', '--per-grid', '4',
            '--cfg-options', 'train_dataloader.dataset.split=None'
        ]) == 0
        grids = [
            cv2.imread(osp.join(out, f'grid_{i:03d}.png')) for i in range(2)
        ]
        assert all(g is not None for g in grids)
        assert grids[0].shape == (256 + 16 + 4, 4 * (256 + 4), 3)
        assert grids[1].shape == (256 + 16 + 4, 2 * (256 + 4), 3)
        assert grids[0].std() > 10  # something was drawn


MY_CONFIGS = [
    'neu_cls.py', 'neu_cls_kshot.py', 'neu_det.py', 'magnetic_tile_cls.py',
    'magnetic_tile_seg.py', 'magnetic_tile_det.py', 'image_folder_cls.py',
    'voc_det.py', 'coco_det.py', 'image_mask_seg.py'
]


def test_dataset_configs_are_plugin_configs():
    from mmengine.config import Config
    from mmengine.evaluator import Evaluator
    from mmengine.registry import DefaultScope

    from tests.conftest import CONFIGS
    for name in MY_CONFIGS:
        cfg = Config.fromfile(osp.join(CONFIGS, '_base_', 'datasets', name))
        # scope and imports only in default_runtime.py, so that a user
        # config of the four usual bases loads; built in defectzoo's scope
        assert 'default_scope' not in cfg, name
        assert 'custom_imports' not in cfg, name
        assert {'data_root', 'batch_size', 'num_workers'} <= set(cfg), name
        evaluator = cfg.val_evaluator
        if name == 'coco_det.py':
            evaluator = dict(evaluator, ann_file=None)
        with DefaultScope.overwrite_default_scope('defectzoo'):
            assert Evaluator(evaluator).metrics
