"""SSL checkpoint -> mmdet backbone: keys, window resize, equal features."""
import pytest
import torch
from mmdet.models.backbones import ResNet as DetResNet
from mmdet.models.backbones import SwinTransformer as DetSwin
from mmengine.config import ConfigDict
from mmpretrain.models import ResNet as PretrainResNet
from mmpretrain.models import SimMIMSwinTransformer
from torch import nn

from defectzoo.utils.selfsup_to_det import (convert_selfsup_to_det,
                                            relative_position_index,
                                            resize_bias_table)

ARCH = dict(embed_dims=32, depths=[2, 2, 2, 2], num_heads=[1, 2, 2, 4])


def _ssl_swin(window=12):
    torch.manual_seed(0)
    m = SimMIMSwinTransformer(
        arch=ARCH,
        img_size=96,
        pad_small_map=True,
        stage_cfgs=dict(block_cfgs=dict(window_size=window)))
    for p in m.parameters():  # non-trivial values everywhere
        nn.init.normal_(p, std=0.05)
    m.eval()  # (mmpretrain's Swin.train() returns None)
    return m


def _ckpt(backbone, extra):
    sd = {'backbone.' + k: v for k, v in backbone.state_dict().items()}
    sd.update(extra)
    return dict(state_dict=sd, meta=dict(epoch=1))


def _strip(sd):
    return {k[len('backbone.'):]: v for k, v in sd.items()}


def _det_swin(window):
    m = DetSwin(
        window_size=window,
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.,
        **ARCH)
    m.eval()
    return m


def test_swin_same_window_keys_and_features():
    ssl = _ssl_swin(12)
    ckpt = _ckpt(ssl, {
        'neck.decoder.0.weight': torch.zeros(1),
        'head.x': torch.zeros(1)
    })
    out = convert_selfsup_to_det(ckpt)
    assert out['meta']['arch'] == 'swin'
    assert all(k.startswith('backbone.') for k in out['state_dict'])
    assert not any('mask_token' in k for k in out['state_dict'])
    det = _det_swin(12)
    res = det.load_state_dict(_strip(out['state_dict']), strict=True)
    assert not res.missing_keys and not res.unexpected_keys

    # like with like: SimMIM's backbone only has norm3 (out_indices=(3,));
    # give it identity norms 0-2, as the converter does for mmdet.
    ssl.out_indices = (0, 1, 2, 3)
    for i, c in enumerate([32, 64, 128]):
        ssl.add_module(f'norm{i}', nn.LayerNorm(c))
    x = torch.randn(1, 3, 96, 96)
    with torch.no_grad():
        ref = ssl(x, None)
        got = det(x)
    assert len(ref) == len(got) == 4
    for r, g in zip(ref, got):
        assert r.shape == g.shape
        torch.testing.assert_close(g, r, rtol=1e-4, atol=1e-5)


def test_swin_window_12_to_7():
    ssl = _ssl_swin(12)
    out = convert_selfsup_to_det(_ckpt(ssl, {}), window_size=7)
    sd = out['state_dict']
    det = _det_swin(7)
    res = det.load_state_dict(_strip(sd), strict=True)
    assert not res.missing_keys and not res.unexpected_keys
    key = 'stages.0.blocks.0.attn.w_msa.relative_position_index'
    assert torch.equal(det.state_dict()[key], relative_position_index(7))
    # bicubic resize of each head's (2W-1)^2 table
    table = ssl.state_dict(
    )['stages.2.blocks.1.attn.w_msa.relative_position_bias_table']
    new = sd['backbone.stages.2.blocks.1.attn.w_msa.'
             'relative_position_bias_table']
    assert table.shape == (23 * 23, 2) and new.shape == (13 * 13, 2)
    ref = torch.nn.functional.interpolate(
        table.t().reshape(1, 2, 23, 23), size=(13, 13), mode='bicubic')
    torch.testing.assert_close(new, ref.reshape(2, 169).t())
    assert torch.equal(resize_bias_table(new, 7), new)
    with torch.no_grad():
        assert det(torch.randn(1, 3, 64, 64))[3].shape == (1, 256, 2, 2)


def test_selfsup_scheme_in_init_cfg(tmp_path):
    """init_cfg=dict(type='Pretrained', checkpoint='selfsup://RAW.pth')
    loads a raw SimMIM checkpoint into a window-7 mmdet Swin."""
    import defectzoo  # noqa: F401  (registers selfsup://)
    ssl = _ssl_swin(12)
    path = tmp_path / 'simmim.pth'
    torch.save(_ckpt(ssl, {'neck.w': torch.zeros(1)}), path)
    # (as built from a config: mmdet's Swin reads init_cfg.checkpoint)
    det = DetSwin(
        window_size=7,
        out_indices=(0, 1, 2, 3),
        **ARCH,
        init_cfg=ConfigDict(type='Pretrained', checkpoint=f'selfsup://{path}'))
    det.init_weights()
    ref = convert_selfsup_to_det(_ckpt(ssl, {}), window_size=7)
    for k, v in det.state_dict().items():
        torch.testing.assert_close(
            v, ref['state_dict']['backbone.' + k], msg=k)


@pytest.mark.parametrize('scheme', [False, True], ids=['tool', 'selfsup'])
def test_simsiam_resnet18(tmp_path, scheme):
    torch.manual_seed(0)
    ssl = PretrainResNet(depth=18, out_indices=(0, 1, 2, 3))
    ssl.eval()
    for m in ssl.modules():  # non-trivial BN statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    ckpt = _ckpt(
        ssl, {
            'neck.mlp.0.weight': torch.zeros(1),
            'head.predictor.mlp.0.weight': torch.zeros(1)
        })
    out = convert_selfsup_to_det(ckpt)
    assert out['meta']['arch'] == 'resnet'
    assert out['meta']['dropped_prefixes'] == ['head', 'neck']
    det = DetResNet(depth=18)
    res = det.load_state_dict(_strip(out['state_dict']), strict=True)
    assert not res.missing_keys and not res.unexpected_keys
    if scheme:  # the same through init_cfg + prefix
        import defectzoo  # noqa: F401
        path = tmp_path / 'simsiam.pth'
        torch.save(ckpt, path)
        det = DetResNet(
            depth=18,
            init_cfg=dict(
                type='Pretrained',
                checkpoint=f'selfsup://{path}',
                prefix='backbone.'))
        det.init_weights()
    det.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for r, g in zip(ssl(x), det(x)):
            torch.testing.assert_close(g, r)
