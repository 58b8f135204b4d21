"""Gram-matrix style loss on the feature maps of a configurable network.

Magna-Defect-GAN (Sensors 2023, Eq. 4): "the style loss is the distance
between the Gram matrices of the generated and the real image at four layers
of a pretrained VGG network, each weighted 1/4"::

    L_style = sum_l w_l || G_l(x_fake) - G_l(x_real) ||_2^2,
    G_l(x)[c, c'] = 1 / (C_l H_l W_l) sum_{h,w} F_l(x)[c,h,w] F_l(x)[c',h,w]

(mean squared error over the ``C_l x C_l`` entries). No ImageNet VGG can be
downloaded here, so the feature network is any registered backbone with
several ``out_indices`` and an ``init_cfg`` checkpoint (e.g. an mmpretrain
ResNet with ``out_indices=(0, 1, 2, 3)`` trained by defectzoo).
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from defectzoo.registry import MODELS


def gram_matrix(feat: torch.Tensor) -> torch.Tensor:
    """``(B, C, H, W)`` -> ``(B, C, C)`` Gram matrices divided by C*H*W."""
    b, c, h, w = feat.shape
    f = feat.reshape(b, c, h * w)
    return f.bmm(f.transpose(1, 2)) / (c * h * w)


@MODELS.register_module()
class GramStyleLoss(nn.Module):
    """Weighted Gram-matrix distance on frozen features.

    Args:
        feature_net: config of a registered backbone returning a tuple of
            feature maps (its ``init_cfg`` loads the checkpoint; built,
            initialised, frozen and kept in eval mode).
        layer_weights: weight of each returned map (4 x 1/4 in the paper).
        mean, std: the feature network's input normalisation (0-255 scale,
            per input channel); images arrive in [-1, 1].
        in_channels: channels the feature network expects; grey images are
            repeated to this many.
        loss_weight: lambda_style (0.1 in the paper).
    """

    def __init__(self,
                 feature_net: dict,
                 layer_weights: Sequence[float] = (0.25, 0.25, 0.25, 0.25),
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 in_channels: int = 3,
                 loss_weight: float = 0.1):
        super().__init__()
        self.feature_net = MODELS.build(feature_net)
        if hasattr(self.feature_net, 'init_weights'):
            self.feature_net.init_weights()
        self.feature_net.requires_grad_(False)
        self.feature_net.eval()
        self.layer_weights = tuple(float(w) for w in layer_weights)
        self.in_channels = in_channels
        self.register_buffer(
            'mean',
            torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1),
            persistent=False)
        self.register_buffer(
            'std',
            torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1),
            persistent=False)
        self.loss_weight = loss_weight

    def train(self, mode: bool = True):
        """The feature network always stays in eval mode."""
        super().train(mode)
        self.feature_net.eval()
        return self

    def features(self, img: torch.Tensor):
        """Feature maps of images in [-1, 1]."""
        x = (img + 1) * 127.5
        if x.shape[1] != self.in_channels:
            x = x.expand(-1, self.in_channels, -1, -1)
        x = (x - self.mean) / self.std
        feats = self.feature_net(x)
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        if len(feats) != len(self.layer_weights):
            raise ValueError(
                f'the feature network returns {len(feats)} maps but '
                f'{len(self.layer_weights)} layer_weights are given')
        return feats

    def forward(self,
                fake: torch.Tensor,
                real: torch.Tensor,
                weight: Optional[float] = None) -> torch.Tensor:
        """``loss_weight * sum_l w_l * MSE(G_l(fake), G_l(real))``."""
        with torch.no_grad():
            real_feats = self.features(real)
        loss = fake.new_zeros(())
        for w, f, r in zip(self.layer_weights, self.features(fake),
                           real_feats):
            loss = loss + w * F.mse_loss(gram_matrix(f), gram_matrix(r))
        return (self.loss_weight if weight is None else weight) * loss
