"""Defect-Aux-Net end to end through the stock tools on the embedded
synthetic surface set: train -> checkpoint -> test printing the
classification, segmentation and detection metrics in one table."""
import os.path as osp
import re

import torch

import defectzoo  # noqa: F401  (safe checkpoint loading)
from defectzoo.cli import test as test_cli
from defectzoo.cli import train as train_cli
from tests.conftest import CONFIGS, write_config
from tests.helpers.in_process import run_main

CONFIG = osp.join(
    CONFIGS, 'defect_aux_net',
    'defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_'
    'synthetic-surface-256px.py')


def tiny_config(tmp_path):
    """The synthetic-surface config at 1/8 width, 64 px, 4 + 4 images."""
    return write_config(
        tmp_path / 'tiny_aux.py', f"""
        _base_ = {CONFIG!r}
        w = 8
        model = dict(
            backbone=dict(base_channels=w),
            neck=dict(in_channels=[4 * w, 8 * w, 16 * w, 32 * w],
                      out_channels=16),
            cls_head=dict(in_channels=32 * w),
            seg_head=dict(in_channels=[16] * 4, channels=8),
            det_head=dict(in_channels=16, feat_channels=16, stacked_convs=1))
        pipe = [dict(type='MaskToInstances', num_classes=6),
                dict(type='mmdet.Resize', scale=(64, 64), keep_ratio=False),
                dict(type='PackMultiTaskInputs')]
        loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
        train_dataloader = dict(loader, dataset=dict(
            num_samples=4, img_size=64, pipeline=pipe))
        val_dataloader = dict(loader, dataset=dict(
            num_samples=4, img_size=64, pipeline=pipe))
        test_dataloader = val_dataloader
        val_dataloader, val_evaluator, val_cfg = None, None, None
        train_cfg = dict(max_epochs=1)
        param_scheduler = []
        default_hooks = dict(logger=dict(interval=1))
        """)


def test_train_then_test_prints_three_task_table(tmp_path):
    cfg = tiny_config(tmp_path)
    work = tmp_path / 'work'
    run_main(train_cli, [cfg, '--work-dir', work])
    ckpt = work / 'epoch_1.pth'
    state = torch.load(ckpt, map_location='cpu', weights_only=True)
    keys = state['state_dict']
    for part in ('backbone.layer1.0.se_attn', 'backbone.layer1.0.'
                 'spatial_attn', 'neck.', 'cls_head.', 'seg_head.',
                 'det_head.'):
        assert any(k.startswith(part) for k in keys), part
    proc = run_main(test_cli, [cfg, ckpt, '--work-dir', tmp_path / 'test'])
    log = proc.output
    header = next(line for line in log.splitlines() if '| accuracy |' in line)
    for column in ('precision', 'recall', 'F1', 'Dice', 'IoU', 'mAP@0.5'):
        assert f' {column} ' in header, header
    for key in ('cls/accuracy/top1', 'seg/defectDice', 'seg/mIoU',
                'det/pascal_voc/mAP'):
        assert re.search(re.escape(key) + r': [0-9.]+', log), key
