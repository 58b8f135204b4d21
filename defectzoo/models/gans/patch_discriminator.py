"""Conditional PatchGAN discriminator with a 16x16 receptive field.

Magna-Defect-GAN "modifies the PatchGAN discriminator of pix2pix to a
receptive field of 16x16 instead of 70x70", conditioned on the mask and the
guide vector: the image, the mask and the one-hot guide broadcast to the
image size are concatenated along channels. With ``num_layers=1`` the
stack is conv4/s2 -> conv4/s1 -> conv4/s1, whose receptive field is
1 + 3 + 3*2 + 3*2 = 16 pixels (``receptive_field``).
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from defectzoo.registry import MODELS
from .magna_defect_generator import encode_guide


def conv_receptive_field(convs: Sequence[nn.Conv2d]) -> int:
    """Receptive field of a chain of convolutions:
    ``1 + sum_i (k_i - 1) * prod_{j<i} s_j`` (square kernels, no
    dilation)."""
    rf, jump = 1, 1
    for conv in convs:
        k, s = conv.kernel_size[0], conv.stride[0]
        d = conv.dilation[0]
        rf += (k - 1) * d * jump
        jump *= s
    return rf


@MODELS.register_module()
class ConditionalPatchDiscriminator(BaseModule):
    """PatchGAN on ``[image | mask | broadcast one-hot guide]``.

    Args:
        in_channels: image channels.
        mask_channels: mask channels (0: unconditional on the mask).
        guide_dims: values per guide attribute (empty: no guide input).
        base_channels: width of the first layer (doubles per layer, capped
            at 8x).
        num_layers: stride-2 layers after the first (pix2pix's
            ``n_layers``); 1 gives the paper's 16x16, 3 pix2pix's 70x70.
        norm_cfg: normalisation of the inner layers.
    """

    def __init__(self,
                 in_channels: int = 1,
                 mask_channels: int = 1,
                 guide_dims: Sequence[int] = (),
                 base_channels: int = 64,
                 num_layers: int = 1,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 init_cfg: Optional[dict] = dict(
                     type='Normal', std=0.01, layer=['Conv2d'])):
        super().__init__(init_cfg=init_cfg)
        self.guide_dims = tuple(int(n) for n in guide_dims)
        self.mask_channels = mask_channels
        lrelu = dict(type='LeakyReLU', negative_slope=0.2)
        ch = in_channels + mask_channels + sum(self.guide_dims)
        layers = [ConvModule(ch, base_channels, 4, 2, 1, act_cfg=lrelu)]
        mult = 1
        for n in range(1, num_layers + 1):
            prev, mult = mult, min(2**n, 8)
            stride = 2 if n < num_layers else 1
            layers.append(
                ConvModule(
                    base_channels * prev,
                    base_channels * mult,
                    4,
                    stride,
                    1,
                    norm_cfg=norm_cfg,
                    act_cfg=lrelu))
        layers.append(
            ConvModule(base_channels * mult, 1, 4, 1, 1, act_cfg=None))
        self.model = nn.Sequential(*layers)

    @property
    def receptive_field(self) -> int:
        """Receptive field (pixels) of one output logit."""
        return conv_receptive_field(
            [m for m in self.modules() if isinstance(m, nn.Conv2d)])

    def forward(self,
                img: torch.Tensor,
                mask: Optional[torch.Tensor] = None,
                guide: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Patch logits ``(B, 1, h, w)``."""
        x = [img]
        if self.mask_channels:
            x.append(mask.to(img) * 2 - 1)
        onehot = encode_guide(guide, self.guide_dims)
        if onehot is not None:
            x.append(
                onehot.to(img)[:, :, None,
                               None].expand(-1, -1, *img.shape[2:]))
        return self.model(torch.cat(x, dim=1))
