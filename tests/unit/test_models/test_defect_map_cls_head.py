"""DefectMapClsHead: top-k log-odds image logits, mask-derived pixel
targets, both losses, gradients and a few steps that learn a toy task."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from defectzoo.models import DefectMapClsHead
from defectzoo.registry import MODELS

BG = 2  # background / defect-free class of a 3-class toy problem


def head(**kwargs):
    init_default_scope('defectzoo')
    kwargs.setdefault('loss', dict(type='mmpretrain.CrossEntropyLoss'))
    return DefectMapClsHead(
        num_classes=3, in_channels=(4, 8), background_index=BG, **kwargs)


def sample(label, mask):
    s = DataSample().set_gt_label(label)
    s.set_field(np.asarray(mask, np.uint8), 'gt_seg_map')
    return s


def test_image_logits_are_top_k_log_odds_against_background():
    h = head(topk=2)
    z = torch.zeros(1, 3, 2, 2)
    z[0, 0] = torch.tensor([[3., 1.], [0., -1.]])
    z[0, 1] = torch.tensor([[0., 0.], [0., 5.]])
    z[0, BG] = torch.tensor([[1., 0.], [0., 1.]])
    s = h.image_logits(z)
    # class 0 log-odds 2, 1, 0, -2 -> top-2 mean 1.5; class 1: -1, 0, 0,
    # 4 -> (4 + 0) / 2 = 2; background 0
    assert s.tolist() == [[1.5, 2.0, 0.0]]
    assert head(topk=10).image_logits(z)[0, 0] == pytest.approx(0.25)
    # the decision bias: prediction uses tau, the loss does not
    biased = head(topk=2, background_logit=1.75)
    assert biased.image_logits(z, 1.75).tolist() == [[1.5, 2.0, 1.75]]
    feats = (torch.randn(1, 4, 2, 2), torch.randn(1, 8, 1, 1))
    assert biased.eval()(feats)[0, BG] == 1.75


def test_pixel_targets_keep_small_defects_and_ignore_empty_defect_masks():
    h = head()
    mask = np.zeros((8, 8), np.uint8)
    mask[5, 6] = 1  # one pixel: its 4 x 4 cell of the 2 x 2 map
    t = h.pixel_targets([
        sample(0, mask),
        sample(BG, np.zeros((8, 8))),
        sample(1, np.zeros((8, 8)))
    ], (2, 2))
    assert t[0].tolist() == [[BG, BG], [BG, 0]]
    assert t[1].tolist() == [[BG, BG], [BG, BG]]
    assert t[2].tolist() == [[-100, -100], [-100, -100]]
    with pytest.raises(KeyError, match='LoadDefectMask'):
        h.pixel_targets([DataSample().set_gt_label(0)], (2, 2))
    with pytest.raises(ValueError, match='background_index 3'):
        DefectMapClsHead(num_classes=3, in_channels=(4, ), background_index=3)


def test_loss_is_image_ce_plus_weighted_pixel_ce_and_reaches_every_layer():
    torch.manual_seed(0)
    h = head(seg_weight=0.5)
    feats = (torch.randn(2, 4, 4, 4, requires_grad=True),
             torch.randn(2, 8, 2, 2, requires_grad=True))
    mask = np.zeros((16, 16), np.uint8)
    mask[:4, :4] = 1
    samples = [sample(0, mask), sample(BG, np.zeros((16, 16)))]
    losses = h.loss(feats, samples)
    z = h.pixel_logits(feats)
    target = h.pixel_targets(samples, (4, 4))
    assert target[0, 0, 0] == 0 and (target[0].flatten()[1:] == BG).all()
    expect_img = F.cross_entropy(h.image_logits(z), torch.tensor([0, BG]))
    assert losses['loss'].item() == pytest.approx(expect_img.item(), 1e-5)
    assert losses['loss_seg'].item() == pytest.approx(
        0.5 * F.cross_entropy(z, target).item(), 1e-5)
    (losses['loss'] + losses['loss_seg']).backward()
    assert feats[0].grad.abs().sum() > 0 and feats[1].grad.abs().sum() > 0
    assert all(p.grad is not None for p in h.parameters())


def test_classifier_learns_where_the_defect_is():
    """A classifier with this head separates 'bright spot' / 'dark spot' /
    'nothing' images in a few steps, and predicts without masks."""
    torch.manual_seed(0)
    init_default_scope('defectzoo')
    model = MODELS.build(
        dict(
            type='mmpretrain.ImageClassifier',
            data_preprocessor=dict(
                type='mmpretrain.ClsDataPreprocessor', num_classes=3),
            backbone=dict(
                type='mmpretrain.ResNet',
                depth=18,
                base_channels=8,
                out_indices=(0, 1)),
            neck=None,
            head=dict(
                type='DefectMapClsHead',
                num_classes=3,
                in_channels=(8, 16),
                background_index=BG,
                feat_channels=16,
                loss=dict(type='mmpretrain.CrossEntropyLoss'))))
    rng = np.random.default_rng(0)
    imgs, samples = [], []
    for i in range(12):
        img = rng.normal(0, 0.1, (1, 32, 32)).astype(np.float32)
        mask = np.zeros((32, 32), np.uint8)
        label = i % 3
        if label != BG:
            y, x = rng.integers(4, 24, 2)
            img[0, y:y + 4, x:x + 4] = 1.0 if label == 0 else -1.0
            mask[y:y + 4, x:x + 4] = 1
        imgs.append(torch.from_numpy(img).expand(3, -1, -1))
        samples.append(sample(label, mask))
    inputs = torch.stack(imgs)
    optim = torch.optim.Adam(model.parameters(), 3e-3)
    first = None
    for _ in range(30):
        losses = model(inputs, samples, mode='loss')
        total = losses['loss'] + losses['loss_seg']
        first = first if first is not None else total.item()
        optim.zero_grad()
        total.backward()
        optim.step()
    assert total.item() < 0.5 * first
    model.eval()
    bare = [DataSample() for _ in samples]
    with torch.no_grad():
        preds = model(inputs, bare, mode='predict')
    acc = np.mean(
        [int(p.pred_label) == int(s.gt_label) for p, s in zip(preds, samples)])
    assert acc >= 0.9
    assert preds[0].pred_score.shape == (3, )
