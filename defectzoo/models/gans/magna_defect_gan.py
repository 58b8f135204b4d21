"""Magna-Defect-GAN: mask + guide + noise conditioned image synthesis.

Sampath et al., "Magna-Defect-GAN" (Sensors 2023). The generator G maps a
defect mask y, a guide vector e of discrete attributes and noise z to an
image; a 16x16 PatchGAN D sees the image with y and e. Generator loss
(Eq. 5, weights from the spec)::

    L_G = lambda_adv * L_adv(D(G(y, z, e) | y, e), real)
        + lambda_rec * || G(y, z, e) - x ||_2^2
        + lambda_style * sum_l 1/4 || Gram_l(G(y, z, e)) - Gram_l(x) ||^2

with lambda_rec = 10, lambda_adv = lambda_style = 0.1; the discriminator
minimises ``0.5 * (L_adv(D(x), real) + L_adv(D(G(.)), fake))``.

Training follows mmagic's ``Pix2Pix.train_step``: one step updates D on a
detached fake, then G with D frozen, over an ``OptimWrapperDict`` with the
keys ``generator`` and ``discriminator`` (``MultiOptimWrapperConstructor``).

The pix2pix-style baseline of the benchmark is the same class with
``noise_dim=0``, no guide and no style loss.
"""
import time
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict

from defectzoo.registry import MODELS


def set_requires_grad(module: torch.nn.Module, flag: bool) -> None:
    for p in module.parameters():
        p.requires_grad_(flag)


@MODELS.register_module()
class MagnaDefectGAN(BaseModel):
    """Conditional GAN with an adversarial, a pixel L2 and a style loss.

    Args:
        generator: :class:`MagnaDefectGenerator` config.
        discriminator: :class:`ConditionalPatchDiscriminator` config.
        style_loss: :class:`GramStyleLoss` config, or None (baseline).
        adv_loss_type: ``'vanilla'`` (BCE with logits, pix2pix) or
            ``'lsgan'``.
        adv_weight: lambda_adv. Defaults to 0.1.
        pixel_weight: lambda_rec (pixel L2). Defaults to 10.
        data_preprocessor: defaults to ``DefectPairDataPreprocessor``.
        test_seed: seed of the noise drawn in ``val_step`` / ``test_step``
            (same noise for every evaluation).
    """

    def __init__(self,
                 generator: dict,
                 discriminator: dict,
                 style_loss: Optional[dict] = None,
                 adv_loss_type: str = 'vanilla',
                 adv_weight: float = 0.1,
                 pixel_weight: float = 10.0,
                 data_preprocessor: Optional[dict] = None,
                 test_seed: int = 0,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='DefectPairDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if adv_loss_type not in ('vanilla', 'lsgan'):
            raise ValueError("adv_loss_type must be 'vanilla' or 'lsgan', "
                             f'got {adv_loss_type!r}')
        self.generator = MODELS.build(generator)
        self.discriminator = MODELS.build(discriminator)
        self.style_loss = MODELS.build(style_loss) if style_loss else None
        self.adv_loss_type = adv_loss_type
        self.adv_weight = adv_weight
        self.pixel_weight = pixel_weight
        self.test_seed = test_seed

    # ------------------------------------------------------------------
    @property
    def noise_dim(self) -> int:
        return self.generator.noise_dim

    def draw_noise(
            self,
            num: int,
            generator: Optional[torch.Generator] = None
    ) -> Optional[torch.Tensor]:
        """``(num, noise_dim)`` standard normal noise (None without z)."""
        if not self.noise_dim:
            return None
        device = next(self.generator.parameters()).device
        return torch.randn(num, self.noise_dim, generator=generator).to(device)

    def adv_loss(self, logits: torch.Tensor,
                 target_real: bool) -> torch.Tensor:
        target = torch.full_like(logits, 1.0 if target_real else 0.0)
        if self.adv_loss_type == 'vanilla':
            return F.binary_cross_entropy_with_logits(logits, target)
        return F.mse_loss(logits, target)

    def generate(self,
                 mask: torch.Tensor,
                 guide: torch.Tensor,
                 noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Images in [-1, 1] for masks ``(B, 1, H, W)`` and guides
        ``(B, A)``."""
        return self.generator(mask, noise, self._guide(guide))

    @staticmethod
    def _guide(guide: torch.Tensor) -> Optional[torch.Tensor]:
        """None for the empty guide of a model without one."""
        return guide if guide.numel() else None

    # ------------------------------------------------------------------
    def forward(self, inputs: dict, data_samples=None, mode: str = 'tensor'):
        """``mode='tensor'``: generated images; ``'loss'``: the generator
        and discriminator losses without updating (for logging);
        ``'predict'``: what :meth:`test_step` returns."""
        mask, guide = inputs['mask'], inputs['guide']
        if mode == 'tensor':
            return self.generate(mask, guide)
        if mode == 'predict':
            return self._predict(inputs)
        if mode == 'loss':
            fake = self.generate(mask, guide, self.draw_noise(len(mask)))
            losses = self.discriminator_losses(inputs, fake.detach())
            losses.update(self.generator_losses(inputs, fake))
            return losses
        raise ValueError(f'unknown mode {mode!r}')

    def discriminator_losses(self, inputs: dict,
                             fake: torch.Tensor) -> Dict[str, torch.Tensor]:
        real, mask = inputs['img'], inputs['mask']
        guide = self._guide(inputs['guide'])
        loss_real = self.adv_loss(self.discriminator(real, mask, guide), True)
        loss_fake = self.adv_loss(self.discriminator(fake, mask, guide), False)
        return dict(
            loss_disc_real=0.5 * loss_real, loss_disc_fake=0.5 * loss_fake)

    def generator_losses(self, inputs: dict,
                         fake: torch.Tensor) -> Dict[str, torch.Tensor]:
        real, mask = inputs['img'], inputs['mask']
        guide = self._guide(inputs['guide'])
        losses = dict(
            loss_gen_adv=self.adv_weight *
            self.adv_loss(self.discriminator(fake, mask, guide), True),
            loss_gen_pixel=self.pixel_weight * F.mse_loss(fake, real))
        if self.style_loss is not None:
            losses['loss_gen_style'] = self.style_loss(fake, real)
        return losses

    def train_discriminator(self, inputs: dict, fake: torch.Tensor,
                            optim_wrapper: OptimWrapperDict) -> dict:
        """One discriminator update on a detached fake."""
        wrapper = optim_wrapper['discriminator']
        with wrapper.optim_context(self.discriminator):
            losses = self.discriminator_losses(inputs, fake.detach())
        loss, log_vars = self.parse_losses(losses)
        wrapper.update_params(loss)
        return {
            'loss_disc' if k == 'loss' else k: v
            for k, v in log_vars.items()
        }

    def train_generator(self, inputs: dict, fake: torch.Tensor,
                        optim_wrapper: OptimWrapperDict) -> dict:
        """One generator update with the discriminator frozen."""
        wrapper = optim_wrapper['generator']
        set_requires_grad(self.discriminator, False)
        try:
            with wrapper.optim_context(self.generator):
                losses = self.generator_losses(inputs, fake)
            loss, log_vars = self.parse_losses(losses)
            wrapper.update_params(loss)
        finally:
            set_requires_grad(self.discriminator, True)
        return {
            'loss_gen' if k == 'loss' else k: v
            for k, v in log_vars.items()
        }

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """D step then G step on one batch (as mmagic's Pix2Pix)."""
        data = self.data_preprocessor(data, True)
        inputs = data['inputs']
        fake = self.generate(inputs['mask'], inputs['guide'],
                             self.draw_noise(len(inputs['mask'])))
        log_vars = self.train_discriminator(inputs, fake, optim_wrapper)
        log_vars.update(self.train_generator(inputs, fake, optim_wrapper))
        return log_vars

    # ------------------------------------------------------------------
    @torch.no_grad()
    def _predict(self, inputs: dict) -> List[dict]:
        mask, guide = inputs['mask'], inputs['guide']
        gen = torch.Generator().manual_seed(self.test_seed)
        start = time.perf_counter()
        fake = self.generate(mask, guide, self.draw_noise(len(mask), gen))
        per_image = (time.perf_counter() - start) / len(mask)
        to_uint8 = lambda x: ((x.clamp(-1, 1) + 1) * 127.5).round().to(  # noqa
            torch.uint8).cpu()
        fakes, reals = to_uint8(fake), to_uint8(inputs['img'])
        return [
            dict(fake=f, real=r, gen_time=per_image)
            for f, r in zip(fakes, reals)
        ]

    def val_step(self, data: Union[dict, tuple, list]) -> List[dict]:
        """Generated and real images (uint8) with the generation time per
        image, for :class:`GenerativeQualityMetric`."""
        data = self.data_preprocessor(data, False)
        return self._predict(data['inputs'])

    def test_step(self, data: Union[dict, tuple, list]) -> List[dict]:
        return self.val_step(data)
