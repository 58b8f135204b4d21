"""Magna-Defect-GAN: generator, 16x16 PatchGAN, Gram style loss and the
two-phase train_step."""
import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope

from defectzoo.engine.optimizers import MultiOptimWrapperConstructor
from defectzoo.models.gans import (ConditionalPatchDiscriminator,
                                   GramStyleLoss, MagnaDefectGAN,
                                   MagnaDefectGenerator, conv_receptive_field,
                                   encode_guide, gram_matrix)

GUIDE_DIMS = (5, 3, 3)


def tiny_style_net():
    return dict(
        type='mmpretrain.ResNet',
        depth=18,
        stem_channels=4,
        base_channels=4,
        out_indices=(0, 1, 2, 3))


def tiny_gan(style=True, noise_dim=132, guide_dims=GUIDE_DIMS):
    init_default_scope('defectzoo')
    model = MagnaDefectGAN(
        generator=dict(
            type='MagnaDefectGenerator',
            img_size=128,
            noise_dim=noise_dim,
            guide_dims=guide_dims,
            base_channels=4,
            max_channels=8),
        discriminator=dict(
            type='ConditionalPatchDiscriminator',
            guide_dims=guide_dims,
            base_channels=4),
        style_loss=dict(type='GramStyleLoss', feature_net=tiny_style_net())
        if style else None)
    model.init_weights()
    return model


def batch(n=2, size=128, guide_dims=GUIDE_DIMS):
    g = torch.Generator().manual_seed(0)
    mask = torch.zeros(n, 1, size, size, dtype=torch.uint8)
    mask[:, :, 40:70, 50:60] = 1
    img = torch.randint(
        0, 256, (n, 1, size, size), generator=g, dtype=torch.uint8)
    guide = torch.tensor([[i % d for d in guide_dims] for i in range(n)],
                         dtype=torch.int64).reshape(n, len(guide_dims))
    return dict(
        inputs=dict(img=img, mask=mask, guide=guide),
        data_samples=dict(img_path=['a'] * n))


@pytest.mark.parametrize('size', [128, 256, 512])
def test_generator_shapes_at_each_resolution(size):
    gen = MagnaDefectGenerator(
        img_size=size, guide_dims=GUIDE_DIMS, base_channels=2, max_channels=4)
    convs = [m for m in gen.encoder if isinstance(m.conv, nn.Conv2d)]
    assert len(convs) == 7 and all(m.conv.stride == (2, 2) for m in convs)
    mask = torch.zeros(2, 1, size, size)
    mask[:, :, size // 4:size // 2, size // 3:size // 2] = 1
    feats, emb = gen.encode_mask(mask)
    assert emb.shape == (2, 32)
    assert feats[-1].shape[-1] == size // 128
    assert gen.latent_dim == 32 + 132 + 11
    out = gen(mask, torch.randn(2, 132), torch.tensor([[0, 1, 2], [4, 0, 0]]))
    assert out.shape == (2, 1, size, size)
    assert out.abs().max() <= 1  # tanh


def test_generator_uses_noise_and_guide():
    gen = MagnaDefectGenerator(
        img_size=128, guide_dims=GUIDE_DIMS, base_channels=4,
        max_channels=8).eval()
    mask = torch.zeros(1, 1, 128, 128)
    mask[..., 30:50, 30:50] = 1
    z = torch.randn(1, 132)
    g1, g2 = torch.tensor([[0, 0, 0]]), torch.tensor([[3, 2, 1]])
    with torch.no_grad():
        base = gen(mask, z, g1)
        assert not torch.allclose(base, gen(mask, torch.randn(1, 132), g1))
        assert not torch.allclose(base, gen(mask, z, g2))
        assert torch.allclose(base, gen(mask, z, g1))


def test_generator_rejects_bad_inputs():
    with pytest.raises(ValueError, match='multiple of'):
        MagnaDefectGenerator(img_size=200)
    gen = MagnaDefectGenerator(
        img_size=128, guide_dims=GUIDE_DIMS, base_channels=2, max_channels=4)
    with pytest.raises(ValueError, match='mask must be'):
        gen(torch.zeros(1, 1, 64, 64), guide=torch.zeros(1, 3).long())
    with pytest.raises(
            ValueError, match=r'attribute 1 has values \[3\] '
            r'outside \[0, 3\)'):
        encode_guide(torch.tensor([[0, 3, 0]]), GUIDE_DIMS)
    with pytest.raises(ValueError, match='guide must be'):
        encode_guide(torch.tensor([[0, 1]]), GUIDE_DIMS)


def test_encode_guide_one_hot():
    e = encode_guide(torch.tensor([[4, 0, 2]]), GUIDE_DIMS)
    assert e.tolist() == [[0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]]


def test_patch_discriminator_receptive_field_is_16():
    disc = ConditionalPatchDiscriminator(guide_dims=GUIDE_DIMS)
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    # analytic: conv4/s2, conv4/s1, conv4/s1 -> 1 + 3 + 3*2 + 3*2
    assert [(c.kernel_size[0], c.stride[0]) for c in convs] == \
        [(4, 2), (4, 1), (4, 1)]
    assert conv_receptive_field(convs) == 16 == disc.receptive_field
    # pix2pix's 70x70 with num_layers=3 from the same formula
    assert ConditionalPatchDiscriminator(num_layers=3).receptive_field == 70
    # empirical: the input pixels that reach one central output logit
    disc = ConditionalPatchDiscriminator(
        mask_channels=0, norm_cfg=None, init_cfg=None)
    img = torch.randn(1, 1, 64, 64, requires_grad=True)
    out = disc(img)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = img.grad[0, 0].abs().sum(1).nonzero()
    cols = img.grad[0, 0].abs().sum(0).nonzero()
    assert rows.max() - rows.min() + 1 == 16
    assert cols.max() - cols.min() + 1 == 16


def test_patch_discriminator_is_conditioned_on_mask_and_guide():
    disc = ConditionalPatchDiscriminator(
        guide_dims=GUIDE_DIMS, base_channels=8).eval()
    assert disc.model[0].conv.in_channels == 1 + 1 + 11
    img, mask = torch.randn(1, 1, 32, 32), torch.zeros(1, 1, 32, 32)
    with torch.no_grad():
        a = disc(img, mask, torch.tensor([[0, 0, 0]]))
        b = disc(img, mask, torch.tensor([[1, 0, 0]]))
        c = disc(img, mask + 1, torch.tensor([[0, 0, 0]]))
    assert a.shape == (1, 1, 14, 14)
    assert not torch.allclose(a, b) and not torch.allclose(a, c)


def test_gram_matrix_hand_computed():
    feat = torch.tensor([[[[1., 2.]], [[3., 4.]]]])  # C=2, H=1, W=2
    expected = torch.tensor([[[5., 11.], [11., 25.]]]) / 4
    assert torch.allclose(gram_matrix(feat), expected)


class _Identity(nn.Module):

    def forward(self, x):
        return (x, )


def test_style_loss_hand_computed():
    init_default_scope('defectzoo')
    loss = GramStyleLoss(
        tiny_style_net(),
        layer_weights=(0.25, ),
        mean=(127.5, 127.5),
        std=(127.5, 127.5),
        in_channels=2,
        loss_weight=0.1)
    loss.feature_net = _Identity()  # features = the image itself
    fake = torch.tensor([[[[1., 2.]], [[3., 4.]]]])
    real = torch.zeros_like(fake)
    # Gram(fake) = [[5, 11], [11, 25]] / 4, Gram(real) = 0:
    # MSE = (25 + 121 + 121 + 625) / 16 / 4 = 13.9375
    assert loss(fake, real).item() == pytest.approx(0.1 * 0.25 * 13.9375)
    assert loss(real, real).item() == 0


def test_style_network_is_frozen():
    init_default_scope('defectzoo')
    loss = GramStyleLoss(tiny_style_net())
    loss.train()
    assert not loss.feature_net.training
    assert not any(p.requires_grad for p in loss.feature_net.parameters())
    fake = torch.rand(1, 1, 32, 32, requires_grad=True) * 2 - 1
    loss(fake, torch.rand(1, 1, 32, 32) * 2 - 1).backward()


def _snapshot(module):
    return {
        k: v.detach().clone()
        for k, v in module.state_dict().items() if v.dtype.is_floating_point
    }


def _changed(module, before):
    return [
        k for k, v in module.state_dict().items()
        if k in before and not torch.equal(v, before[k])
    ]


def _optim(model):
    return MultiOptimWrapperConstructor(
        dict(
            generator=dict(
                optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))),
            discriminator=dict(
                optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999)))))(
                    model)


def test_train_step_updates_the_right_network_in_each_phase():
    torch.manual_seed(0)
    model = tiny_gan()
    optim = _optim(model)
    assert set(optim.keys()) == {'generator', 'discriminator'}
    data = model.data_preprocessor(batch(), True)
    inputs = data['inputs']
    assert inputs['img'].min() >= -1 and inputs['img'].max() <= 1
    g0, d0 = _snapshot(model.generator), _snapshot(model.discriminator)
    s0 = _snapshot(model.style_loss)
    fake = model.generate(inputs['mask'], inputs['guide'], model.draw_noise(2))
    log_d = model.train_discriminator(inputs, fake, optim)
    assert {'loss_disc', 'loss_disc_real', 'loss_disc_fake'} <= set(log_d)
    assert _changed(model.discriminator, d0)
    assert not [
        k for k in _changed(model.generator, g0)
        if 'running' not in k and 'num_batches' not in k
    ]
    d1 = _snapshot(model.discriminator)
    log_g = model.train_generator(inputs, fake, optim)
    assert {'loss_gen', 'loss_gen_adv', 'loss_gen_pixel',
            'loss_gen_style'} <= set(log_g)
    assert [k for k in _changed(model.generator, g0) if 'weight' in k]
    # the discriminator's weights stay; only BN running stats may move
    assert not [
        k for k in _changed(model.discriminator, d1)
        if 'running' not in k and 'num_batches' not in k
    ]
    assert all(p.requires_grad for p in model.discriminator.parameters())
    assert not _changed(model.style_loss, s0)
    # a full train_step moves both
    g2, d2 = _snapshot(model.generator), _snapshot(model.discriminator)
    log = model.train_step(batch(), optim)
    assert _changed(model.generator, g2) and _changed(model.discriminator, d2)
    assert all(torch.isfinite(v) for v in log.values())


def test_loss_weights_follow_the_paper():
    model = tiny_gan()
    assert (model.adv_weight, model.pixel_weight,
            model.style_loss.loss_weight) == (0.1, 10.0, 0.1)
    assert model.style_loss.layer_weights == (0.25, ) * 4
    data = model.data_preprocessor(batch(), True)['inputs']
    fake = torch.zeros_like(data['img'])
    losses = model.generator_losses(data, fake)
    assert losses['loss_gen_pixel'].item() == pytest.approx(
        10 * (data['img']**2).mean().item(), rel=1e-5)


def test_pix2pix_baseline_has_no_noise_guide_or_style():
    model = tiny_gan(style=False, noise_dim=0, guide_dims=())
    optim = _optim(model)
    data = batch(guide_dims=())
    log = model.train_step(data, optim)
    assert 'loss_gen_style' not in log
    assert model.draw_noise(2) is None
    out = model.val_step(data)
    assert len(out) == 2 and out[0]['fake'].dtype == torch.uint8


def test_val_step_is_deterministic_and_timed():
    model = tiny_gan().eval()
    a, b = model.val_step(batch()), model.val_step(batch())
    assert torch.equal(a[0]['fake'], b[0]['fake'])
    assert a[0]['fake'].shape == (1, 128, 128)
    assert a[0]['gen_time'] > 0


def test_multi_optim_constructor_rejects_unknown_keys():
    model = tiny_gan(style=False)
    with pytest.raises(KeyError, match='not a sub-module'):
        MultiOptimWrapperConstructor(
            dict(gen=dict(optimizer=dict(type='Adam', lr=1e-3))))(
                model)
