"""SE and spatial attention as ResNet bottleneck plugins."""
import pytest
import torch
from mmengine.registry import DefaultScope

from defectzoo.models.defect_aux_net import SEAttention, SpatialAttention

# ResNet-50 bottleneck output channels: 3 x 256, 4 x 512, 6 x 1024, 3 x 2048
R50_BLOCK_CHANNELS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
SE = dict(cfg=dict(type='defectzoo.SEAttention'), position='after_conv3')
SA = dict(cfg=dict(type='defectzoo.SpatialAttention'), position='after_conv3')


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def se_params(c, ratio=16):
    # two 1x1 convs with bias: C -> C/r -> C
    return c * (c // ratio) + c // ratio + (c // ratio) * c + c


def test_se_shape_and_exact_params():
    se = SEAttention(64, ratio=16)
    x = torch.randn(2, 64, 5, 7)
    y = se(x)
    assert y.shape == x.shape
    assert n_params(se) == 64 * 4 + 4 + 4 * 64 + 64 == se_params(64)


def test_se_scales_channels_by_a_gate_in_0_1():
    se = SEAttention(32, ratio=8)
    x = torch.rand(1, 32, 4, 4) + 0.1
    gate = se(x) / x
    # one factor per channel, constant over the image, in (0, 1)
    assert torch.allclose(gate, gate[..., :1, :1].expand_as(gate), atol=1e-6)
    assert (gate > 0).all() and (gate < 1).all()


def test_spatial_attention_shape_params_and_gate():
    sa = SpatialAttention(in_channels=128, kernel_size=7)
    assert n_params(sa) == 2 * 7 * 7 + 1
    x = torch.rand(2, 128, 9, 11) + 0.1
    y = sa(x)
    assert y.shape == x.shape
    gate = y / x
    # one factor per pixel, shared by all channels
    assert torch.allclose(gate, gate[:, :1].expand_as(gate), atol=1e-6)
    # the gate is sigmoid(conv([mean_c ; max_c]))
    pooled = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
    expected = torch.sigmoid(sa.conv.conv(pooled))
    assert torch.allclose(gate[:, :1], expected, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match='smaller than ratio'):
        SEAttention(8, ratio=16)
    with pytest.raises(ValueError, match='odd'):
        SpatialAttention(kernel_size=4)


def _resnet(plugins, scope='mmdet', prefix=True, **kwargs):
    from mmdet.registry import MODELS as DET_MODELS

    from defectzoo.registry import MODELS as DZ_MODELS
    if not prefix:
        plugins = [
            dict(p, cfg=dict(p['cfg'], type=p['cfg']['type'].split('.')[-1]))
            for p in plugins
        ]
    cfg = dict(depth=50, plugins=plugins, **kwargs)
    with DefaultScope.overwrite_default_scope(scope):
        if scope == 'mmdet':
            return DET_MODELS.build(dict(cfg, type='ResNet'))
        return DZ_MODELS.build(dict(cfg, type='mmdet.ResNet'))


def test_exact_extra_params_in_resnet50():
    base = n_params(_resnet(None))
    se = n_params(_resnet([SE]))
    both = n_params(_resnet([SE, SA]))
    assert se - base == sum(map(se_params, R50_BLOCK_CHANNELS)) == 2_530_992
    assert both - se == 16 * (2 * 7 * 7 + 1)  # 16 bottlenecks


@pytest.mark.parametrize('scope,prefix', [('mmdet', True),
                                          ('defectzoo', False),
                                          ('defectzoo', True)])
def test_builds_under_mmdet_resnet(scope, prefix):
    """mmcv's build_plugin_layer looks the type up in the current default
    scope: ``defectzoo.SEAttention`` works from mmdet's own scope, the bare
    name under defectzoo's."""
    width = 8  # a small ResNet-50
    base = n_params(_resnet(None, base_channels=width))
    model = _resnet([SE, SA], scope, prefix, base_channels=width)
    channels = [
        4 * width * 2**i for i, n in enumerate((3, 4, 6, 3)) for _ in range(n)
    ]
    assert n_params(model) - base == sum(se_params(c) + 99 for c in channels)
    block = model.layer3[0]
    assert isinstance(block.se_attn, SEAttention)
    assert isinstance(block.spatial_attn, SpatialAttention)
    # SE then SA, before the residual addition
    assert block.after_conv3_plugin_names == ['se_attn', 'spatial_attn']


def test_plugins_run_in_order_and_keep_shapes():
    torch.manual_seed(0)
    model = _resnet([SE, SA], base_channels=8, out_indices=(0, 1, 2, 3))
    model.eval()
    calls = []
    model.layer1[0].se_attn.register_forward_hook(
        lambda *a: calls.append('se'))
    model.layer1[0].spatial_attn.register_forward_hook(
        lambda *a: calls.append('sa'))
    outs = model(torch.randn(1, 3, 64, 64))
    assert [o.shape[1] for o in outs] == [32, 64, 128, 256]
    assert calls == ['se', 'sa']


def test_stage_selection():
    plugin = dict(SE, stages=(False, False, True, True))
    model = _resnet([plugin], base_channels=8)
    assert not hasattr(model.layer1[0], 'se_attn')
    assert hasattr(model.layer3[0], 'se_attn')
