"""X-ray transfer end to end with the stock tools: SimSiam pretraining ->
tools/model_converters/selfsup_to_det.py -> Faster R-CNN fine-tuning ->
tools/test.py (metric table, --out, --show-grid)."""
import json
import os.path as osp
import pickle
import re

import torch

from defectzoo.cli import selfsup_to_det as convert_cli
from defectzoo.cli import test as test_cli
from defectzoo.cli import train as train_cli
from tests.conftest import CONFIGS, TINY_SWIN, write_config
from tests.helpers.in_process import run_main

R50_SIMSIAM_DET = 'faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py'
SWIN_T_SIMMIM_DET = ('faster-rcnn-fpn_swin-t-p4-w7-simmim-xray_1xb2-adamw-1x_'
                     'xray-512px.py')


def tiny_det_config(tmp_dir,
                    data_root,
                    init_ckpt,
                    base: str = R50_SIMSIAM_DET,
                    model: str = '') -> str:
    """A repo Faster R-CNN config (``base``) on 128 px images of the tiny
    set, one iteration, narrow FPN/RPN/RoI (width 32); ``model`` overrides
    the model (default: an R18-FPN)."""
    model = model or """
        model = dict(
            backbone=dict(depth=18, init_cfg=dict(checkpoint=ssl_checkpoint)),
            neck=dict(in_channels=[64, 128, 256, 512], out_channels=32),
            rpn_head=dict(in_channels=32, feat_channels=32,
                          anchor_generator=dict(scales=[2])),
            roi_head=dict(bbox_roi_extractor=dict(out_channels=32),
                          bbox_head=dict(in_channels=32, fc_out_channels=64)),
            train_cfg=dict(rpn=dict(sampler=dict(num=64)),
                           rpn_proposal=dict(nms_pre=200, max_per_img=50),
                           rcnn=dict(sampler=dict(num=32))),
            test_cfg=dict(rpn=dict(nms_pre=200, max_per_img=50)))"""
    return write_config(
        osp.join(str(tmp_dir), 'tiny_det.py'), f"""
        _base_ = {osp.join(CONFIGS, 'xray', base)!r}
        ssl_checkpoint = {init_ckpt!r}
        data_root = {str(data_root) + '/'!r}
        img_scale = (128, 128)
        load = dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True)
        test_pipeline = [
            load, dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(type='mmdet.PackDetInputs', meta_keys=(
                'img_id', 'img_path', 'ori_shape', 'img_shape',
                'scale_factor'))]
        train_dataloader = dict(
            batch_size=2, num_workers=0, persistent_workers=False,
            dataset=dict(data_root=data_root, synthetic=None, pipeline=[
                load, dict(type='mmdet.LoadAnnotations', with_bbox=True),
                dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
                dict(type='mmdet.PackDetInputs')]))
        val_dataloader = dict(
            batch_size=2, num_workers=0, persistent_workers=False,
            dataset=dict(data_root=data_root, synthetic=None,
                         pipeline=test_pipeline))
        test_dataloader = val_dataloader
        val_evaluator = dict(ann_file=data_root + 'annotations/val.json',
                             score_thr=0.05)
        test_evaluator = val_evaluator
        train_cfg = dict(max_epochs=1, val_begin=2)  # tools/test.py evaluates
        param_scheduler = []
        default_hooks = dict(logger=dict(interval=1))
        log_processor = dict(window_size=1)
        """, model)


def test_pretrain_convert_finetune_test(tmp_path, xray_root, trained_ssl):
    # 1. SimSiam ResNet-18 (the session's shared tools/train.py run)
    _, ssl_dir = trained_ssl('simsiam')
    # 2. convert
    det_ckpt = tmp_path / 'simsiam_det.pth'
    proc = run_main(convert_cli, [ssl_dir / 'epoch_2.pth', det_ckpt])
    assert 'resnet' in proc.stdout and 'head, neck' in proc.stdout
    sd = torch.load(det_ckpt, weights_only=True)['state_dict']
    assert sd and all(k.startswith('backbone.') for k in sd)
    # 3. fine-tune Faster R-CNN from it (1 epoch = 1 iteration)
    cfg = tiny_det_config(tmp_path, xray_root, str(det_ckpt))
    proc = run_main(train_cli, [cfg, '--work-dir', tmp_path / 'det'])
    log = proc.output
    assert f'load backbone. in model from: {det_ckpt}' in log
    assert 'missing keys' not in log
    # 4. test: one table with VOC + COCO AP and the critical recall
    out = tmp_path / 'dets.pkl'
    grid = tmp_path / 'grid.png'
    proc = run_main(test_cli, [
        cfg, tmp_path / 'det' / 'epoch_1.pth', '--work-dir', tmp_path / 'test',
        '--out', out, '--show-grid', grid, '--grid-images', '4'
    ])
    log = proc.output
    assert ' Detection (%) ' in log
    header = re.search(
        r'\| class +\| AP50 \(VOC\) \| AP \(COCO\) \| '
        r'AP50 \(COCO\) \| AP75 \(COCO\) \| recall@0.05 \|', log)
    assert header, log[-3000:]
    assert re.search(r'\| critical +\|', log) and \
        re.search(r'\| minor +\|', log)
    for key in ('AP50_voc', 'AP50_voc_critical', 'AP_coco', 'AP50_coco',
                'AP75_coco', 'AP_coco_critical', 'recall_critical'):
        assert re.search(rf'det/{key}: (nan|[0-9.]+)', log), key
    with open(out, 'rb') as f:
        dets = pickle.load(f)
    assert len(dets) == 4 and 'pred_instances' in dets[0]
    assert grid.exists() and grid.stat().st_size > 0
    # 5. the same detections as JSON; an existing --out is refused
    out_json = tmp_path / 'dets.json'
    run_main(test_cli, [
        cfg, tmp_path / 'det' / 'epoch_1.pth', '--work-dir', tmp_path / 'test',
        '--out', out_json
    ])
    rec = json.loads(out_json.read_text())
    assert rec['classes'] == ['critical', 'minor']
    assert len(rec['predictions']) == 4
    first = rec['predictions'][0]
    assert first['img_path'].endswith('.png')
    assert len(first['bboxes']) == len(first['scores']) == \
        len(first['classes'])
    proc = run_main(
        test_cli, [cfg, tmp_path / 'det' / 'epoch_1.pth', '--out', out_json],
        expect_failure=True)
    assert proc.returncode != 0 and 'exists' in proc.stderr
    assert json.loads(out_json.read_text()) == rec


def test_simmim_swin_to_faster_rcnn_swin(tmp_path, xray_root, trained_ssl):
    """The Swin route: SimMIM (window 12) -> convert with the 12 -> 7 bias
    table resize -> Faster R-CNN Swin-T-FPN config (arch shrunk to the
    tiny test Swin) trains and tests with no missing backbone keys."""
    _, ssl_dir = trained_ssl('simmim')  # the session's tools/train.py run
    det_ckpt = tmp_path / 'simmim_det.pth'
    proc = run_main(convert_cli,
                    [ssl_dir / 'epoch_2.pth', det_ckpt, '--window-size', '7'])
    assert 'swin' in proc.stdout
    arch = {k: v for k, v in TINY_SWIN.items() if k != '_delete_'}
    widths = [arch['embed_dims'] * 2**i for i in range(4)]
    cfg = tiny_det_config(
        tmp_path,
        xray_root,
        str(det_ckpt),
        base=SWIN_T_SIMMIM_DET,
        model=f"""
        model = dict(
            backbone=dict(embed_dims={arch['embed_dims']},
                          depths={arch['depths']!r},
                          num_heads={arch['num_heads']!r},
                          init_cfg=dict(checkpoint=ssl_checkpoint)),
            neck=dict(in_channels={widths!r}, out_channels=32),
            rpn_head=dict(in_channels=32, feat_channels=32),
            roi_head=dict(bbox_roi_extractor=dict(out_channels=32),
                          bbox_head=dict(in_channels=32, fc_out_channels=64)),
            train_cfg=dict(rpn_proposal=dict(nms_pre=200, max_per_img=50),
                           rcnn=dict(sampler=dict(num=32))),
            test_cfg=dict(rpn=dict(nms_pre=200, max_per_img=50)))
        """)
    proc = run_main(train_cli, [cfg, '--work-dir', tmp_path / 'det'])
    log = proc.output
    assert re.search(r'Epoch\(train\) \[1\]\[1/1\].*loss: [0-9.]+', log)
    # mmdet's Swin loads its init checkpoint with strict=False and logs
    # nothing: check that every backbone tensor came from the conversion
    # (one AdamW step moves a weight by about lr = 1e-4 at most)
    ssl = torch.load(det_ckpt, weights_only=True)['state_dict']
    tuned = {
        k: v
        for k, v in torch.load(
            tmp_path / 'det' /
            'epoch_1.pth', weights_only=True)['state_dict'].items()
        if k.startswith('backbone.')
    }
    assert set(tuned) == set(ssl)
    for key, value in tuned.items():
        torch.testing.assert_close(value, ssl[key], atol=1e-3, rtol=0, msg=key)
    proc = run_main(test_cli, [
        cfg, tmp_path / 'det' / 'epoch_1.pth', '--work-dir', tmp_path / 'test'
    ])
    assert ' Detection (%) ' in proc.output
