"""MVGG19: backbone taps, multipath neck, Linear-ReLU-BN head, freezing,
VGG19 checkpoint loading and a few training steps."""
import copy

import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmpretrain.models import VGG
from mmpretrain.structures import DataSample

from defectzoo.models import MVGG19, LinearActNormClsHead, MultiPathNeck
from defectzoo.registry import MODELS

PAPER_TAPS = ('pool2', 'pool3', 'pool4', 'conv5_3')
CODE_TAPS = ('pool3', 'pool4', 'conv5_3')


def build_mvgg19(taps=PAPER_TAPS, num_classes=3, backbone=None, head=None):
    init_default_scope('defectzoo')
    tmp = MVGG19(taps=taps)
    return MODELS.build(
        dict(
            type='mmpretrain.ImageClassifier',
            data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'),
            backbone=dict(type='MVGG19', taps=taps, **(backbone or {})),
            neck=dict(type='MultiPathNeck', in_channels=tmp.out_channels),
            head=dict(
                type='LinearActNormClsHead',
                num_classes=num_classes,
                in_channels=sum(tmp.out_channels),
                loss=dict(type='mmpretrain.CrossEntropyLoss'),
                **(head or {}))))


def samples(labels):
    return [DataSample().set_gt_label(label) for label in labels]


def test_tap_names_index_vgg19_features():
    backbone = MVGG19()
    # block5_conv3 is features[18]; pools end blocks 2, 3, 4
    assert backbone.tap_indices == [5, 10, 15, 18]
    assert backbone.out_channels == [128, 256, 512, 512]
    assert backbone.layer_index('conv1_1') == 0
    assert backbone.layer_index('pool5') == 20
    # the Keras model ends at block5_conv3: conv5_4 and pool5 are not built
    assert len(backbone.features) == 19
    for bad in ('pool6', 'conv5_5', 'fc1'):
        with pytest.raises(ValueError):
            backbone.layer_index(bad)
    with pytest.raises(ValueError, match='depth order'):
        MVGG19(taps=('pool4', 'pool2'))


@pytest.mark.parametrize('taps, dims', [(PAPER_TAPS, 1408), (CODE_TAPS, 1280)])
def test_concatenated_features(taps, dims):
    backbone = MVGG19(taps=taps)
    neck = MultiPathNeck(in_channels=backbone.out_channels)
    with torch.no_grad():
        (feats, ) = neck(backbone(torch.rand(2, 3, 32, 32)))
    assert feats.shape == (2, dims)
    # one BD path per tap but the last (the main path is GAP only)
    assert len(neck.bd_paths) == len(taps) - 1
    bn, drop, gap, _ = neck.bd_paths[0]
    assert isinstance(bn, nn.BatchNorm2d) and bn.momentum == 0.01 \
        and bn.eps == 1e-3
    assert drop.p == 0.5 and isinstance(gap, nn.AdaptiveAvgPool2d)


def test_non_square_input():
    backbone = MVGG19()
    with torch.no_grad():
        outs = backbone(torch.rand(1, 3, 48, 80))
    assert [tuple(o.shape[2:]) for o in outs] == [(12, 20), (6, 10), (3, 5),
                                                  (3, 5)]
    model = build_mvgg19()
    model.eval()
    with torch.no_grad():
        assert model(torch.rand(2, 3, 48, 80)).shape == (2, 3)


def test_head_order_is_dense_relu_bn_dropout():
    head = LinearActNormClsHead(num_classes=4, in_channels=1408)
    hidden = head.layers[0]
    assert [type(m) for m in hidden
            ] == [nn.Linear, nn.ReLU, nn.BatchNorm1d, nn.Dropout]
    assert hidden[0].out_features == 2500 and hidden[3].p == 0.5
    assert head.fc.fc.out_features == 4


def test_frozen_stages_stay_unchanged_and_bn_in_eval():
    model = build_mvgg19(
        backbone=dict(frozen_stages=3, norm_cfg=dict(type='BN')))
    backbone = model.backbone
    frozen_end = backbone.range_sub_modules[2][1]
    frozen = {
        n: p.clone()
        for n, p in backbone.features[:frozen_end].named_parameters()
    }
    running = {
        n: b.clone()
        for n, b in backbone.features[:frozen_end].named_buffers()
    }
    trainable = {
        n: p.clone()
        for n, p in backbone.features[frozen_end:].named_parameters()
    }
    assert frozen and all(not p.requires_grad
                          for p in backbone.features[:frozen_end].parameters())
    model.train()
    frozen_bns = [
        m for m in backbone.features[:frozen_end].modules()
        if isinstance(m, nn.BatchNorm2d)
    ]
    assert frozen_bns and all(not m.training for m in frozen_bns)
    assert all(m.training for m in backbone.features[frozen_end:].modules()
               if isinstance(m, nn.BatchNorm2d))
    optim = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-3)
    loss = model(
        torch.rand(4, 3, 32, 32), samples([0, 1, 2, 0]), mode='loss')['loss']
    loss.backward()
    optim.step()
    for name, p in backbone.features[:frozen_end].named_parameters():
        assert torch.equal(p, frozen[name]), name
    for name, b in backbone.features[:frozen_end].named_buffers():
        assert torch.equal(b, running[name]), name
    assert any(not torch.equal(p, trainable[n])
               for n, p in backbone.features[frozen_end:].named_parameters())


@pytest.mark.parametrize('prefix', ['backbone.', ''])
def test_loads_a_vgg19_checkpoint(tmp_path, prefix):
    torch.manual_seed(0)
    vgg = VGG(depth=19)
    state = {prefix + k: v for k, v in vgg.state_dict().items()}
    path = tmp_path / 'vgg19.pth'
    torch.save(dict(meta=dict(epoch=1), state_dict=state), path)
    backbone = MVGG19(
        init_cfg=dict(
            type='Pretrained', checkpoint=str(path), prefix=prefix or None))
    backbone.init_weights()
    ckpt = {k[len(prefix):]: v for k, v in state.items()}
    ours = backbone.state_dict()
    missing = [k for k in ours if k not in ckpt]
    assert not missing
    assert all(torch.equal(ours[k], ckpt[k]) for k in ours)
    # only block5_conv4 is left over
    assert {k
            for k in ckpt if k not in ours
            } == {'features.19.conv.weight', 'features.19.conv.bias'}


def test_gradients_reach_bd_batchnorms_and_head():
    model = build_mvgg19(backbone=dict(frozen_stages=5))
    model.train()
    loss = model(
        torch.rand(4, 3, 32, 32), samples([0, 1, 2, 1]), mode='loss')['loss']
    loss.backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    for path in model.neck.bd_paths:
        bn = path[0]
        assert bn.weight.grad is not None and bn.weight.grad.abs().sum() > 0
        assert bn.bias.grad.abs().sum() > 0
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.head.parameters())


def test_a_few_iterations_lower_the_loss():
    torch.manual_seed(0)
    # the authors' setting: conv base frozen, BD BatchNorms + head trained
    model = build_mvgg19(num_classes=2, backbone=dict(frozen_stages=5))
    model.train()
    optim = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-3)
    inputs = torch.rand(4, 3, 32, 32)
    labels = samples([0, 1, 0, 1])
    losses = []
    for _ in range(8):
        loss = model(inputs, copy.deepcopy(labels), mode='loss')['loss']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert sum(losses[-3:]) < sum(losses[:3]), losses
