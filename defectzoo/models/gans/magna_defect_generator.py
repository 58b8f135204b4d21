"""Magna-Defect-GAN generator (Sampath et al., Sensors 2023, Sec. 3).

"The generator consists of two branches: a mask projection branch of seven
convolution layers with stride 2 and LeakyReLU that projects the defect mask
y to a 32-dimensional embedding, and a latent projection branch that takes
the concatenation of that embedding, a 132-dimensional noise vector z and
the guide vector e and maps it to the image, U-Net style."

Decisions where the paper is silent (spec ``magna-defect-gan.md``): 4x4
convolutions, widths doubling from ``base_channels`` to ``max_channels``,
configurable normalisation, transposed convolutions, tanh output. The
32-d embedding is the last encoder map average-pooled (it is 1x1 at 128 px);
the latent vector is projected back to the encoder's last grid
(``img_size / 128``) and decoded by seven upsampling layers, each fed with
the skip of the encoder level of the same size.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from defectzoo.registry import MODELS


def encode_guide(guide: Optional[torch.Tensor],
                 guide_dims: Sequence[int]) -> Optional[torch.Tensor]:
    """One-hot encode a guide vector of attribute indices.

    Args:
        guide: ``(B, len(guide_dims))`` integer indices (or None when the
            model has no guide).
        guide_dims: number of values of each discrete attribute.

    Returns:
        ``(B, sum(guide_dims))`` float one-hot blocks, or None.

    Raises:
        ValueError: wrong number of attributes or an index outside
            ``[0, guide_dims[i])``.
    """
    if not guide_dims:
        return None
    if guide is None:
        raise ValueError(f'a guide vector of {len(guide_dims)} attributes '
                         f'(sizes {list(guide_dims)}) is required')
    guide = torch.as_tensor(guide)
    if guide.dim() != 2 or guide.shape[1] != len(guide_dims):
        raise ValueError(f'guide must be (B, {len(guide_dims)}) attribute '
                         f'indices, got shape {tuple(guide.shape)}')
    guide = guide.long()
    blocks = []
    for i, n in enumerate(guide_dims):
        col = guide[:, i]
        if bool(((col < 0) | (col >= n)).any()):
            raise ValueError(f'guide attribute {i} has values '
                             f'{sorted(set(col.tolist()))} outside [0, {n})')
        blocks.append(F.one_hot(col, n).float())
    return torch.cat(blocks, dim=1)


@MODELS.register_module()
class MagnaDefectGenerator(BaseModule):
    """Mask + noise + guide conditioned U-Net generator.

    Args:
        img_size: output resolution (a multiple of ``2 ** num_downs``;
            the paper uses up to 512, the configs 128 / 256 / 512).
        out_channels: image channels. Defaults to 1 (grey MPI / tiles).
        mask_channels: mask channels. Defaults to 1.
        noise_dim: length of z (132 in the paper; 0 gives a deterministic
            pix2pix-style generator).
        embed_dim: mask embedding length (32).
        guide_dims: values per discrete guide attribute (e.g. ``(5, 3, 3)``
            for defect type, brightness bin, texture bin); empty: no guide.
        num_downs: stride-2 convolutions of the mask branch (7).
        base_channels, max_channels: encoder widths double from
            ``base_channels`` and are capped at ``max_channels``.
        norm_cfg: normalisation of the inner layers.
        init_cfg: defaults to N(0, 0.01) as in the paper.
    """

    def __init__(self,
                 img_size: int = 256,
                 out_channels: int = 1,
                 mask_channels: int = 1,
                 noise_dim: int = 132,
                 embed_dim: int = 32,
                 guide_dims: Sequence[int] = (),
                 num_downs: int = 7,
                 base_channels: int = 64,
                 max_channels: int = 512,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg: Optional[dict] = dict(
                     type='Normal',
                     std=0.01,
                     layer=['Conv2d', 'ConvTranspose2d', 'Linear'])):
        super().__init__(init_cfg=init_cfg)
        if img_size % (2**num_downs):
            raise ValueError(f'img_size {img_size} must be a multiple of '
                             f'2 ** num_downs = {2 ** num_downs}')
        self.img_size = img_size
        self.noise_dim = noise_dim
        self.embed_dim = embed_dim
        self.guide_dims = tuple(int(n) for n in guide_dims)
        self.mask_channels = mask_channels
        self.bottom = img_size // 2**num_downs
        widths = [
            min(base_channels * 2**i, max_channels)
            for i in range(num_downs - 1)
        ] + [embed_dim]
        self.widths = widths
        lrelu = dict(type='LeakyReLU', negative_slope=0.2)
        self.encoder = nn.ModuleList()
        in_ch = mask_channels
        for i, w in enumerate(widths):
            # no norm on the first layer (pix2pix) nor on the embedding
            norm = None if i in (0, num_downs - 1) else norm_cfg
            self.encoder.append(
                ConvModule(
                    in_ch,
                    w,
                    4,
                    stride=2,
                    padding=1,
                    norm_cfg=norm,
                    act_cfg=lrelu))
            in_ch = w
        latent_dim = embed_dim + noise_dim + sum(self.guide_dims)
        self.latent_dim = latent_dim
        # latent projection back to the bottom grid of the encoder
        self.project = nn.Linear(latent_dim,
                                 widths[-2] * self.bottom * self.bottom)
        self.decoder = nn.ModuleList()
        in_ch = widths[-2] + widths[-1]  # projection + skip f7
        for i in reversed(range(num_downs)):
            last = i == 0
            out_ch = out_channels if last else widths[i - 1]
            self.decoder.append(
                ConvModule(
                    in_ch,
                    out_ch,
                    4,
                    stride=2,
                    padding=1,
                    conv_cfg=dict(type='deconv'),
                    norm_cfg=None if last else norm_cfg,
                    act_cfg=dict(type='Tanh') if last else dict(type='ReLU')))
            if not last:
                in_ch = out_ch + widths[i - 1]  # + skip of the next level

    def encode_mask(self, mask: torch.Tensor):
        """Encoder features (highest resolution first) and the 32-d
        embedding."""
        feats = []
        x = mask * 2 - 1  # {0, 1} -> {-1, 1}
        for layer in self.encoder:
            x = layer(x)
            feats.append(x)
        embedding = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return feats, embedding

    def forward(self,
                mask: torch.Tensor,
                noise: Optional[torch.Tensor] = None,
                guide: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Generate images in [-1, 1].

        Args:
            mask: ``(B, mask_channels, img_size, img_size)`` in {0, 1}.
            noise: ``(B, noise_dim)``; drawn from N(0, 1) when None.
            guide: ``(B, len(guide_dims))`` attribute indices.
        """
        b = mask.shape[0]
        if tuple(mask.shape[1:]) != (self.mask_channels, self.img_size,
                                     self.img_size):
            raise ValueError(
                f'mask must be (B, {self.mask_channels}, {self.img_size}, '
                f'{self.img_size}), got {tuple(mask.shape)}')
        feats, embedding = self.encode_mask(mask.float())
        latent = [embedding]
        if self.noise_dim:
            if noise is None:
                noise = torch.randn(b, self.noise_dim, device=mask.device)
            latent.append(noise.to(embedding))
        guide_onehot = encode_guide(guide, self.guide_dims)
        if guide_onehot is not None:
            latent.append(guide_onehot.to(embedding))
        x = self.project(torch.cat(latent,
                                   dim=1)).view(b, -1, self.bottom,
                                                self.bottom)
        for layer, skip in zip(self.decoder, reversed(feats)):
            x = layer(torch.cat([x, skip], dim=1))
        return x
