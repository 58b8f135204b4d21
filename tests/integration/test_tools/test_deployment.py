"""ONNX export (every model kind) and INT8 quantisation, through the tools."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.registry import DefaultScope

from defectzoo.cli import export_onnx as export_onnx_cli
from defectzoo.cli import quantize as quantize_cli
from defectzoo.deploy import (DeployClassifier, export_onnx, onnx_max_abs_diff,
                              quantize_fx)
from defectzoo.registry import MODELS
from tests.conftest import REPO_ROOT, write_config
from tests.helpers.lightweight_fixtures import (make_folder_dataset,
                                                tiny_cls_config,
                                                tiny_cls_model,
                                                tiny_mvgg19_model,
                                                tiny_scl_gallery_model)

MMDET_MODELS = osp.join(
    osp.dirname(importlib.util.find_spec('mmdet').origin), '.mim', 'configs',
    '_base_', 'models')
TINY_R18 = dict(depth=18, init_cfg=None, stem_channels=16, base_channels=16)


def build(cfg):
    with DefaultScope.overwrite_default_scope('defectzoo'):
        return MODELS.build(cfg)


def save(model, tmp_path, name):
    path = str(tmp_path / f'{name}.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def export(tmp_path, config, ckpt=None, shape=(32, 32), extra=()):
    out = str(tmp_path / 'model.onnx')
    export_onnx_cli.main([config] + ([ckpt] if ckpt else []) +
                         ['--out', out, '--shape', *map(str, shape)] +
                         list(extra))
    return json.load(open(out + '.json'))


def test_classifier_round_trip_dynamic_batch(tmp_path, capsys):
    torch.manual_seed(0)
    model = build(tiny_cls_model())
    cfg = write_config(tmp_path / 'cls.py', f'model = {tiny_cls_model()!r}')
    result = export(tmp_path, cfg, save(model, tmp_path, 'cls'))
    assert 'max |ONNX - PyTorch|' in capsys.readouterr().out
    assert result['max_abs_diff'] < 1e-5 and result['outputs'] == ['scores']
    # Batch 5 (exported with 2, checked with 3) against the checkpoint.
    wrapper = DeployClassifier(model.eval())
    x = torch.rand(5, 3, 32, 32) * 255
    assert onnx_max_abs_diff(str(tmp_path / 'model.onnx'), wrapper, x) < 1e-5
    torch.testing.assert_close(wrapper(x).sum(1), torch.ones(5))


def test_mvgg19_multipath(tmp_path):
    model = tiny_mvgg19_model(
        to_rgb=True, mean=[1., 2., 3.], std=[50., 60., 70.])
    cfg = write_config(tmp_path / 'mvgg.py', f'model = {model!r}')
    assert export(tmp_path, cfg)['max_abs_diff'] < 1e-4


def test_scl_gallery_classifier_with_its_gallery(tmp_path):
    model_cfg = dict(
        tiny_scl_gallery_model(
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            to_rgb=True),
        gallery_reduce='max')
    model = build(model_cfg).eval()
    model.set_gallery(torch.randn(9, 16), torch.arange(9) % 3)
    ckpt = save(model, tmp_path, 'scl')
    cfg = write_config(tmp_path / 'scl.py', f'model = {model_cfg!r}')
    assert export(tmp_path, cfg, ckpt)['max_abs_diff'] < 1e-5
    # The gallery is in the graph: the ONNX scores are predict()'s.
    x = torch.rand(2, 3, 32, 32) * 255
    import onnxruntime as ort
    sess = ort.InferenceSession(str(tmp_path / 'model.onnx'))
    onnx_scores = sess.run(None, {'image': x.numpy()})[0]
    samples = model.predict(DeployClassifier(model).normalize(x))
    reference = torch.stack([s.pred_score for s in samples]).numpy()
    assert abs(onnx_scores - reference).max() < 1e-5
    # An empty gallery is refused.
    with pytest.raises(ValueError, match='empty reference gallery'):
        DeployClassifier(build(model_cfg))


def test_segmentor(tmp_path):
    model = dict(
        type='mmseg.EncoderDecoder',
        data_preprocessor=dict(
            type='mmseg.SegDataPreProcessor',
            mean=[0., 0., 0.],
            std=[255., 255., 255.],
            bgr_to_rgb=True),
        backbone=dict(type='mmpretrain.ResNet', out_indices=(1, ), **TINY_R18),
        decode_head=dict(
            type='mmseg.FCNHead',
            in_channels=32,
            channels=8,
            num_convs=1,
            num_classes=2,
            in_index=0,
            norm_cfg=dict(type='BN'),
            loss_decode=dict(type='mmseg.CrossEntropyLoss')))
    cfg = write_config(tmp_path / 'seg.py', f'model = {model!r}')
    result = export(tmp_path, cfg, shape=(64, 48))
    assert result['outputs'] == ['seg_logits'
                                 ] and result['max_abs_diff'] < 1e-4


@pytest.mark.parametrize('base,head', [('retinanet_r50_fpn.py', 'bbox_head'),
                                       ('faster-rcnn_r50_fpn.py', 'rpn_head')])
def test_detectors_raw_outputs(tmp_path, base, head, capsys):
    """--raw: the dense heads' outputs (end to end: test_deploy_detector)"""
    cfg = write_config(
        tmp_path / 'det.py', f"""
        _base_ = [{osp.join(MMDET_MODELS, base)!r}]
        default_scope = 'mmdet'
        model = dict(backbone=dict({TINY_R18!r}),
                     neck=dict(in_channels=[16, 32, 64, 128], out_channels=16))
        model['{head}'] = dict(in_channels=16, feat_channels=16)
        """)
    result = export(tmp_path, cfg, shape=(64, 64), extra=['--raw'])
    assert result['max_abs_diff'] < 1e-4
    prefix = 'cls_score' if head == 'bbox_head' else 'rpn_cls_score'
    assert result['outputs'][0] == f'{prefix}_0'
    assert any('NMS' in item for item in result['not_exported'])
    assert 'not exported' in capsys.readouterr().out


class Untraceable(nn.Module):

    def forward(self, x):
        if x.mean() > 100:  # Python branch on a tensor value
            return x.flatten(1)
        return -x.flatten(1)


def test_untraceable_model_is_refused(tmp_path):
    with pytest.raises(
            ValueError,
            match=r'Untraceable cannot be traced '
            r'faithfully.*Python boolean.*no Python branches'):
        export_onnx(Untraceable(), torch.rand(2, 3, 4, 4),
                    str(tmp_path / 'x.onnx'))
    assert not (tmp_path / 'x.onnx').exists()

    class DictOut(nn.Module):

        def forward(self, x):
            return dict(scores=x, label='crack')

    with pytest.raises(ValueError, match='returns.*dict.*not tensors'):
        export_onnx(DictOut(), torch.rand(1, 3), str(tmp_path / 'y.onnx'))


def test_quantised_tiny_model_close_to_fp32():
    torch.manual_seed(0)
    model = DeployClassifier(build(tiny_cls_model(width=16)).eval())
    calib = [torch.rand(8, 3, 32, 32) * 255 for _ in range(4)]
    int8 = quantize_fx(model, calib, calib[0][:1])
    assert isinstance(int8, torch.jit.ScriptModule)
    x = torch.rand(4, 3, 32, 32) * 255
    with torch.no_grad():
        diff = (int8(x) - model(x)).abs().max().item()
    assert diff < 0.02  # softmax scores
    assert any('quantized' in n.kind() for n in int8.graph.nodes()) or \
        'quantized' in str(int8.inlined_graph)


def test_quantize_tool_end_to_end(tmp_path):
    data = make_folder_dataset(tmp_path / 'data')
    cfg = tiny_cls_config(tmp_path / 'tiny.py', data)
    torch.manual_seed(0)
    ckpt = save(build(tiny_cls_model()), tmp_path, 'tiny')
    out = tmp_path / 'int8'
    quantize_cli.main([cfg, ckpt, '--calib', '8', '--out', str(out)])
    result = json.load(open(out / 'quantize.json'))
    assert result['calib_images'] == 8
    assert result['float_layers'] == ['model.head.fc']  # the output layer
    assert result['int8_mb'] < 0.5 * result['fp32_mb']
    assert 0 <= result['accuracy'] <= 1
    assert abs(result['accuracy'] - result['fp32_accuracy']) <= 0.2
    # The saved file runs with torch alone.
    scores = torch.jit.load(str(out / 'model_int8.pt'))(
        torch.rand(3, 3, 32, 32) * 255)
    assert scores.shape == (3, 3)
    # everything INT8 on request; a layer that does not exist is named
    quantize_cli.main([
        cfg, ckpt, '--calib', '8', '--out',
        str(tmp_path / 'all'), '--float-layers', '--no-eval'
    ])
    assert json.load(open(tmp_path / 'all' /
                          'quantize.json'))['float_layers'] == []
    with pytest.raises(ValueError, match='head.fc'):
        quantize_cli.main([
            cfg, ckpt, '--calib', '8', '--out',
            str(tmp_path / 'bad'), '--float-layers', 'model.head.fcc'
        ])


def test_defect_aux_net_all_three_outputs(tmp_path, capsys):
    from tests.unit.test_models.test_defect_aux_net import tiny_cfg
    cfg = write_config(
        tmp_path / 'aux.py', f"""
        default_scope = 'defectzoo'
        model = {tiny_cfg().to_dict()!r}
        """)
    result = export(tmp_path, cfg, shape=(64, 64))
    names = result['outputs']
    assert names[:2] == ['cls_scores', 'seg_logits']
    levels = (len(names) - 2) // 2
    assert levels == 5 and names[2] == 'cls_score_0' and \
        names[-1] == f'bbox_pred_{levels - 1}'
    assert result['max_abs_diff'] < 1e-4
    assert any('NMS' in item for item in result['not_exported'])
    import onnxruntime as ort
    sess = ort.InferenceSession(
        str(tmp_path / 'model.onnx'), providers=['CPUExecutionProvider'])
    cls, seg = sess.run(None, {'image': np.zeros(
        (4, 3, 64, 64), np.float32)})[:2]
    assert cls.shape == (4, 2) and np.allclose(cls.sum(1), 1, atol=1e-5)
    assert seg.shape == (4, 2, 64, 64)  # at the input size


def test_defect_aux_net_without_a_classification_head():
    from defectzoo.deploy import DeployDefectAuxNet
    from tests.unit.test_models.test_defect_aux_net import build as build_aux
    model = build_aux(('seg', 'det')).eval()
    assert DeployDefectAuxNet.output_names(
        model, 1) == ['seg_logits', 'cls_score_0', 'bbox_pred_0']
    with pytest.raises(ValueError, match='no classification head'):
        DeployClassifier(model)


def test_quantize_defect_aux_net_classification_path(tmp_path):
    """INT8 of Defect-Aux-Net's classification path, scored by the cls
    metrics of its MultiTaskMetric."""
    from tests.unit.test_models.test_defect_aux_net import tiny_cfg
    model = tiny_cfg()
    model.seg_head.num_classes = 6
    model.det_head.num_classes = 5
    base = osp.join(
        REPO_ROOT, 'configs', 'defect_aux_net',
        'defect-aux-net_r50-se-sa-fpn_1xb8-adam-onecycle-50e_'
        'synthetic-surface-256px.py')
    data = dict(num_samples=8, img_size=64)
    resize = dict(type='mmdet.Resize', scale=(64, 64), keep_ratio=False)
    cfg = write_config(
        tmp_path / 'aux.py', f"""
        _base_ = [{base!r}]
        model = {model.to_dict()!r}
        test_pipeline = [
            dict(type='MaskToInstances', num_classes=6),
            {resize!r}, dict(type='PackMultiTaskInputs')]
        train_dataloader = dict(num_workers=0, persistent_workers=False,
                                dataset=dict(**{data!r}))
        test_dataloader = dict(
            batch_size=4, num_workers=0, persistent_workers=False,
            dataset=dict(pipeline=test_pipeline, **{data!r}))
        """)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        ckpt = save(MODELS.build(model), tmp_path, 'aux')
    out = tmp_path / 'int8'
    quantize_cli.main([cfg, ckpt, '--calib', '4', '--out', str(out)])
    result = json.load(open(out / 'quantize.json'))
    assert 'cls/accuracy/top1' in result['metrics_int8']
    assert not any(
        k.startswith(('seg/', 'det/')) for k in result['metrics_int8'])
    assert 0 <= result['accuracy'] <= 1
    scores = torch.jit.load(str(out / 'model_int8.pt'))(
        torch.rand(3, 3, 64, 64) * 255)
    assert scores.shape == (3, 2)
    torch.testing.assert_close(scores.sum(1), torch.ones(3))
