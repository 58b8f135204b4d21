"""DefectAuxNet: every head combination, gradients, training, checkpoints,
predictions that mmdet / mmseg visualisers draw."""
import itertools
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint, save_checkpoint

from defectzoo.registry import MODELS
from tests.conftest import CONFIGS

BASE = osp.join(CONFIGS, '_base_', 'models', 'defect-aux-net_r50_fpn.py')
HEADS = ('cls', 'seg', 'det')
COMBOS = [c for n in (1, 2, 3) for c in itertools.combinations(HEADS, n)]
SIZE = 64


def tiny_cfg(heads=HEADS, width=8, **changes):
    """The repo's Defect-Aux-Net config at 1/8 width, FPN of 16 channels."""
    cfg = Config.fromfile(BASE).model
    cfg.backbone.base_channels = width
    cfg.neck.in_channels = [4 * width * 2**i for i in range(4)]
    cfg.neck.out_channels = 16
    cfg.cls_head.in_channels = 32 * width
    cfg.seg_head.update(in_channels=[16] * 4, channels=8, dropout_ratio=0)
    cfg.det_head.update(in_channels=16, feat_channels=16, stacked_convs=1)
    for head in HEADS:
        if head not in heads:
            cfg[f'{head}_head'] = None
    if heads == ('cls', ):
        cfg.neck = None
    cfg.update(changes)
    return cfg


def build(heads=HEADS, **changes):
    init_default_scope('defectzoo')
    torch.manual_seed(0)
    return MODELS.build(tiny_cfg(heads, **changes))


def batch(n=2, size=SIZE, seed=0):
    """Packed samples with a defect rectangle (or none) through the real
    transforms and the model's preprocessor input format."""
    from defectzoo.datasets.transforms import (MaskToInstances,
                                               PackMultiTaskInputs)
    rng = np.random.default_rng(seed)
    inputs, samples = [], []
    for i in range(n):
        img = rng.integers(90, 110, (size, size, 3)).astype(np.uint8)
        mask = np.zeros((size, size), np.uint8)
        if i % 2 == 0:
            x, y = rng.integers(4, size // 2, 2)
            mask[y:y + 20, x:x + 14] = 1
            img[mask == 1] = 30
        results = MaskToInstances(num_classes=2)(
            dict(
                img=img,
                gt_seg_map=mask,
                ori_shape=(size, size),
                img_shape=(size, size),
                scale_factor=(1.0, 1.0),
                sample_idx=i))
        packed = PackMultiTaskInputs()(results)
        inputs.append(packed['inputs'])
        samples.append(packed['data_samples'])
    return dict(inputs=inputs, data_samples=samples)


def total_loss(model, data):
    losses = model(**model.data_preprocessor(data, True), mode='loss')
    loss, _ = model.parse_losses(losses)
    return loss, losses


@pytest.mark.parametrize('heads', COMBOS, ids=['+'.join(c) for c in COMBOS])
def test_every_head_combination(heads):
    model = build(heads)
    assert model.tasks == heads
    data = batch()
    model.train()
    loss, losses = total_loss(model, data)
    assert torch.isfinite(loss)
    assert {k.split('.')[0] for k in losses} == set(heads)
    model.eval()
    with torch.no_grad():
        out = model.test_step(batch())
        raw = model(**model.data_preprocessor(batch(), False), mode='tensor')
    assert set(raw) == set(heads)
    for sample in out:
        assert ('pred_score' in sample) == ('cls' in heads)
        assert ('pred_sem_seg' in sample) == ('seg' in heads)
        assert ('pred_instances' in sample) == ('det' in heads)
    if 'cls' in heads:
        assert out[0].pred_score.shape == (2, )
        assert torch.isclose(out[0].pred_score.sum(), torch.tensor(1.0))
    if 'seg' in heads:
        assert out[0].pred_sem_seg.data.shape == (1, SIZE, SIZE)
        assert out[0].seg_logits.data.shape == (2, SIZE, SIZE)
    if 'det' in heads:
        assert out[0].pred_instances.bboxes.shape[1] == 4


def test_bad_configs():
    with pytest.raises(ValueError, match='at least one of'):
        build(())
    with pytest.raises(ValueError, match='give a neck'):
        build(('seg', ), neck=None)
    with pytest.raises(ValueError, match='unknown tasks'):
        build(loss_weights=dict(dice=1.0))


def test_missing_annotation_names_the_image():
    model = build(('seg', ))
    data = batch()
    del data['data_samples'][0].gt_sem_seg
    data['data_samples'][0].set_metainfo(dict(img_path='/x/a.png'))
    with pytest.raises(ValueError, match='/x/a.png: no gt_sem_seg'):
        total_loss(model, data)


@pytest.mark.parametrize('head', HEADS)
def test_gradients_reach_the_backbone_from_each_head(head):
    model = build((head, ))
    model.train()
    loss, _ = total_loss(model, batch())
    loss.backward()
    stem = model.backbone.conv1.weight.grad
    last = model.backbone.layer4[-1].conv3.weight.grad
    assert stem is not None and stem.abs().sum() > 0
    assert last is not None and last.abs().sum() > 0


def test_classification_gradient_stays_in_the_bottom_up_pathway():
    model = build()
    model.train()
    losses = model(**model.data_preprocessor(batch(), True), mode='loss')
    losses['cls.loss'].backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.neck.parameters())


def test_loss_weights_scale_each_task():
    data = batch()
    plain = build()
    weighted = build(loss_weights=dict(cls=2.0, seg=0.5, det=3.0))
    plain.train()
    weighted.train()
    _, a = total_loss(plain, data)
    _, b = total_loss(weighted, data)
    torch.testing.assert_close(b['cls.loss'], 2 * a['cls.loss'])
    torch.testing.assert_close(b['seg.loss_dice'], 0.5 * a['seg.loss_dice'])
    torch.testing.assert_close(
        sum(b['det.loss_cls']), 3 * sum(a['det.loss_cls']))
    # accuracies are logged, not weighted
    torch.testing.assert_close(b['seg.acc_seg'], a['seg.acc_seg'])


def test_a_few_iterations_lower_the_loss():
    model = build()
    model.train()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = batch(n=4)
    losses = []
    for _ in range(12):
        loss, _ = total_loss(model, data)
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], losses


def test_preprocessor_pads_masks_to_the_batch():
    model = build(('seg', ))
    small, large = batch(n=1, size=40), batch(n=1, size=64, seed=1)
    data = dict(
        inputs=small['inputs'] + large['inputs'],
        data_samples=small['data_samples'] + large['data_samples'])
    out = model.data_preprocessor(data, True)
    assert out['inputs'].shape[-2:] == (64, 64)
    seg = out['data_samples'][0].gt_sem_seg
    assert seg.data.shape == (1, 64, 64)
    assert (seg.data[0, 40:, :] == 255).all()
    assert (seg.data[0, :, 40:] == 255).all()
    assert model.data_preprocessor.pad_seg


def test_checkpoint_round_trip(tmp_path):
    model = build()
    model.train()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss, _ = total_loss(model, batch())
    loss.backward()
    optim.step()
    model.eval()
    path = str(tmp_path / 'model.pth')
    save_checkpoint(dict(state_dict=model.state_dict()), path)
    other = build()
    load_checkpoint(other, path, map_location='cpu', strict=True)
    other.eval()
    with torch.no_grad():
        a = model.test_step(batch(seed=3))[0]
        b = other.test_step(batch(seed=3))[0]
    torch.testing.assert_close(a.pred_score, b.pred_score)
    torch.testing.assert_close(a.seg_logits.data, b.seg_logits.data)
    torch.testing.assert_close(a.pred_instances.scores,
                               b.pred_instances.scores)


def test_predictions_draw_with_mmdet_and_mmseg_visualizers():
    from mmdet.visualization import DetLocalVisualizer
    from mmseg.visualization import SegLocalVisualizer
    model = build()
    model.eval()
    with torch.no_grad():
        sample = model.test_step(batch())[0]
    img = np.full((SIZE, SIZE, 3), 100, np.uint8)
    meta = dict(
        classes=('background', 'defect'), palette=[(0, 0, 0), (255, 0, 0)])
    seg_vis = SegLocalVisualizer(name='aux_seg_vis', alpha=0.5)
    seg_vis.dataset_meta = meta
    seg_vis.add_datasample('x', img, sample, draw_gt=True, show=False)
    assert seg_vis.get_image().shape[0] == SIZE
    det_vis = DetLocalVisualizer(name='aux_det_vis')
    det_vis.dataset_meta = dict(classes=('defect', ), palette=[(255, 0, 0)])
    boxes_only = sample.clone()
    del boxes_only.pred_sem_seg, boxes_only.gt_sem_seg
    det_vis.add_datasample(
        'x', img, boxes_only, draw_gt=True, show=False, pred_score_thr=0.0)
    assert det_vis.get_image().shape == (SIZE, 2 * SIZE, 3)  # gt | pred
