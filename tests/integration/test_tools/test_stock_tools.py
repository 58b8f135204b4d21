"""Our configs under mmdet's and mmpretrain's own shipped tools (train,
test --show-dir, confusion_matrix, analyze_logs), and our tools/test.py
--show-dir / tools/train.py --tensorboard, on tiny generated data."""
import glob
import os
import os.path as osp

import cv2
import mmdet
import mmengine
import mmpretrain
import numpy as np
import pytest
import torch

from defectzoo.cli import test as test_cli
from defectzoo.cli import train as train_cli
from tests.conftest import CONFIGS, tiny_simmim_config, write_config
from tests.helpers.in_process import run_main, run_script
from tests.integration.test_tools.test_xray_transfer_e2e import tiny_det_config

MMPRETRAIN_TOOLS = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools')
MMDET_TOOLS = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools')
MMPRETRAIN_TRAIN = osp.join(MMPRETRAIN_TOOLS, 'train.py')
CLASSES = ('crack', 'ok', 'spot')
PER_CLASS = 4


def test_mmpretrain_train_tool_runs_a_defectzoo_config(tmp_path, xray_root):
    assert osp.isfile(MMPRETRAIN_TRAIN)
    cfg = tiny_simmim_config(
        tmp_path, xray_root, extra='train_cfg = dict(max_epochs=1)')
    work_dir = tmp_path / 'work'
    # mmpretrain's tool turns persistent workers on by default; our tiny
    # config loads in the main process, which that option does not allow.
    run_script(
        MMPRETRAIN_TRAIN,
        [cfg, '--work-dir',
         str(work_dir), '--no-persistent-workers'],
        cwd=str(tmp_path))
    ckpt = torch.load(work_dir / 'epoch_1.pth', weights_only=True)
    assert ckpt['meta']['iter'] == 4
    assert 'backbone.mask_token' in ckpt['state_dict']


def _pngs(folder):
    return sorted(
        glob.glob(osp.join(str(folder), '**', '*.png'), recursive=True))


# ---- a classifier: the MVGG19 config cut down, 3 classes x 4 images -------
@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    """Trained one epoch by tools/train.py --tensorboard: (config, work dir,
    checkpoint)."""
    tmp = tmp_path_factory.mktemp('classifier')
    rng = np.random.default_rng(0)
    for c, name in enumerate(CLASSES):
        os.makedirs(tmp / 'data' / name)
        for i in range(PER_CLASS):
            img = rng.integers(0, 60, (32, 32), dtype=np.uint8) + 90 * c
            cv2.imwrite(str(tmp / 'data' / name / f'{name}{i}.png'), img)
    data = dict(type='mmpretrain.CustomDataset', data_root=str(tmp / 'data'))
    cfg = write_config(
        tmp / 'tiny_cls.py', f"""
        _base_ = {osp.join(CONFIGS, 'mvgg19',
                           'mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py')!r}
        pipeline = [dict(type='LoadImageFromFile', to_float32=True),
                    dict(type='mmpretrain.Resize', scale=(32, 32)),
                    dict(type='mmpretrain.PackInputs')]
        model = dict(
            data_preprocessor=dict(num_classes=3),
            backbone=dict(taps=('pool1', 'pool2'), frozen_stages=-1,
                          init_cfg=dict(type='Kaiming', layer='Conv2d',
                                        _delete_=True)),
            neck=dict(in_channels=(64, 128)),
            head=dict(num_classes=3, in_channels=192, mid_channels=(16, )))
        loader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                      dataset=dict({data!r}, pipeline=pipeline))
        train_dataloader = dict(loader, dataset=dict(_delete_=True,
                                                     **loader['dataset']))
        test_dataloader = dict(loader, _delete_=True, sampler=dict(
            type='DefaultSampler', shuffle=False))
        test_cfg = dict(type='TestLoop', _delete_=True)
        test_evaluator = dict(type='mmpretrain.Accuracy', _delete_=True)
        train_cfg = dict(max_epochs=1)
        default_hooks = dict(logger=dict(interval=1))
        log_processor = dict(window_size=1)
        """)
    work = tmp / 'work'
    run_main(
        train_cli,
        [cfg, '--work-dir', str(work), '--tensorboard'],
        cwd=str(tmp))
    return cfg, work, str(work / 'epoch_1.pth')


# pytest -n auto --dist loadgroup: each trained fixture is made once, on one
# worker, for the tests that share it
ON_CLASSIFIER = pytest.mark.xdist_group('stock_tools_classifier')
ON_DETECTOR = pytest.mark.xdist_group('stock_tools_detector')


@ON_CLASSIFIER
def test_tensorboard_option_logs_the_loss(classifier):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    _, work, _ = classifier
    [events] = glob.glob(str(work / '*' / 'vis_data' / 'events.out.*'))
    acc = EventAccumulator(events)
    acc.Reload()
    losses = [e.value for e in acc.Scalars('loss')]
    assert len(losses) == len(CLASSES) * PER_CLASS // 4  # one per iteration
    assert all(np.isfinite(losses))


@ON_CLASSIFIER
@pytest.mark.parametrize('tool', ['defectzoo', 'mmpretrain'])
def test_test_show_dir_paints_every_test_image(classifier, tmp_path, tool):
    cfg, _, ckpt = classifier
    show_dir = tmp_path / 'vis'  # absolute: the same for both tools
    args = [
        cfg, ckpt, '--work-dir',
        str(tmp_path / 'w'), '--show-dir',
        str(show_dir)
    ]
    if tool == 'defectzoo':
        run_main(test_cli, args, cwd=str(tmp_path))
    else:
        run_script(
            osp.join(MMPRETRAIN_TOOLS, 'test.py'), args, cwd=str(tmp_path))
    pngs = _pngs(show_dir)
    assert len(pngs) == len(CLASSES) * PER_CLASS
    assert cv2.imread(pngs[0]).shape[2] == 3


@ON_CLASSIFIER
def test_mmpretrain_confusion_matrix_tool(classifier, tmp_path):
    # failed before with "ConfusionMatrix is not in the defectzoo::metric
    # registry": the tool sets test_evaluator=dict(type='ConfusionMatrix')
    cfg, _, ckpt = classifier
    out, png = tmp_path / 'cm.pkl', tmp_path / 'cm.png'
    run_script(
        osp.join(MMPRETRAIN_TOOLS, 'analysis_tools', 'confusion_matrix.py'),
        [cfg, ckpt, '--out',
         str(out), '--show-path',
         str(png)],
        cwd=str(tmp_path))
    cm = mmengine.load(str(out))
    assert tuple(cm.shape) == (3, 3)
    assert cm.sum(dim=1).tolist() == [PER_CLASS] * 3  # rows: ground truth
    assert osp.getsize(png) > 0


@ON_CLASSIFIER
def test_mmpretrain_analyze_logs_tool(classifier, tmp_path):
    _, work, _ = classifier
    [scalars] = glob.glob(str(work / '*' / 'vis_data' / 'scalars.json'))
    tool = osp.join(MMPRETRAIN_TOOLS, 'analysis_tools', 'analyze_logs.py')
    png = tmp_path / 'loss.png'
    env = dict(MPLBACKEND='Agg')
    run_script(
        tool, ['plot_curve', scalars, '--keys', 'loss', '--out',
               str(png)],
        cwd=str(tmp_path),
        env=env)
    assert cv2.imread(str(png)) is not None
    proc = run_script(
        tool, ['cal_train_time', scalars], cwd=str(tmp_path), env=env)
    assert 'average iter time' in proc.stdout.lower().replace('\n', ' ')


# ---- a detector: Faster R-CNN R18-FPN on 128 px synthetic X-rays ----------
@pytest.fixture(scope='module')
def detector(tmp_path_factory, xray_root):
    tmp = tmp_path_factory.mktemp('detector')
    cfg = tiny_det_config(
        tmp,
        xray_root,
        None,
        model="""
        model = dict(
            backbone=dict(depth=18, init_cfg=None),
            neck=dict(in_channels=[64, 128, 256, 512], out_channels=32),
            rpn_head=dict(in_channels=32, feat_channels=32,
                          anchor_generator=dict(scales=[2])),
            roi_head=dict(bbox_roi_extractor=dict(out_channels=32),
                          bbox_head=dict(in_channels=32, fc_out_channels=64)),
            test_cfg=dict(rpn=dict(nms_pre=200, max_per_img=50)))""")
    work = tmp / 'work'
    run_main(train_cli, [cfg, '--work-dir', str(work)], cwd=str(tmp))
    return cfg, str(work / 'epoch_1.pth')


@ON_DETECTOR
@pytest.mark.parametrize('tool', ['defectzoo', 'mmdet'])
def test_det_test_show_dir_paints_every_test_image(detector, tmp_path, tool,
                                                   xray_root):
    cfg, ckpt = detector
    show_dir = tmp_path / 'vis'
    args = [
        cfg, ckpt, '--work-dir',
        str(tmp_path / 'w'), '--show-dir',
        str(show_dir)
    ]
    if tool == 'defectzoo':
        run_main(test_cli, args, cwd=str(tmp_path))
    else:
        run_script(osp.join(MMDET_TOOLS, 'test.py'), args, cwd=str(tmp_path))
    val = mmengine.load(osp.join(xray_root, 'annotations', 'val.json'))
    pngs = _pngs(show_dir)
    assert len(pngs) == len(val['images'])
    # ground truth | prediction side by side: twice the 128 px width
    assert cv2.imread(pngs[0]).shape[1] == 2 * cv2.imread(pngs[0]).shape[0]


def test_show_dir_needs_a_visualization_hook(tmp_path, xray_root):
    cfg = tiny_simmim_config(tmp_path, xray_root)
    proc = run_main(
        test_cli, [
            cfg, 'none.pth', '--work-dir',
            str(tmp_path / 'w'), '--show-dir', 'vis'
        ],
        expect_failure=True,
        cwd=str(tmp_path))
    assert proc.returncode != 0
    assert 'visualization hook' in proc.stderr
