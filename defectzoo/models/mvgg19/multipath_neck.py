"""MultiPathNeck: MVGG19's "BD" side paths and main path, concatenated.

Apostolopoulos & Tzani (arXiv 2011.11305): "the extracted feature maps are
processed by "BD" layers, which apply batch normalization, dropout, and
global average pooling. The three BD outputs and the sequential output are
concatenated and fed to a neural network of 2500 neurons."
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule

from defectzoo.registry import MODELS

#: Keras BatchNormalization defaults (PyTorch momentum = 1 - 0.99).
KERAS_BN = dict(type='BN', momentum=0.01, eps=1e-3)


class BDPath(nn.Sequential):
    """BatchNorm -> Dropout -> global average pooling, ``(B, C, H, W)`` to
    ``(B, C)``."""

    def __init__(self, channels: int, dropout: float, norm_cfg: dict):
        super().__init__(
            build_norm_layer(norm_cfg, channels)[1], nn.Dropout(dropout),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(1))


@MODELS.register_module()
class MultiPathNeck(BaseModule):
    """BD paths on all inputs but the last, GAP on the last, concatenated.

    Which side paths exist is chosen by the backbone's taps: the paper's
    ``MVGG19(taps=('pool2', 'pool3', 'pool4', 'conv5_3'))`` gives
    ``in_channels=(128, 256, 512, 512)`` and 1408 features; the authors'
    2021 code (BD3 + BD4) is ``taps=('pool3', 'pool4', 'conv5_3')``,
    ``in_channels=(256, 512, 512)``, 1280 features.

    Args:
        in_channels: channels of the backbone outputs, in order.
        dropout: BD dropout rate. Defaults to 0.5.
        norm_cfg: BD normalisation. Defaults to Keras' BatchNorm defaults.
        init_cfg: initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 dropout: float = 0.5,
                 norm_cfg: dict = KERAS_BN,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = tuple(in_channels)
        if not self.in_channels:
            raise ValueError('in_channels must name at least the main path')
        self.bd_paths = nn.ModuleList(
            BDPath(c, dropout, norm_cfg) for c in self.in_channels[:-1])
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.out_channels = sum(self.in_channels)

    def forward(self, inputs: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'expected {len(self.in_channels)} feature maps '
                             f'(in_channels={self.in_channels}), got '
                             f'{len(inputs)}')
        side = [path(x) for path, x in zip(self.bd_paths, inputs[:-1])]
        main = self.gap(inputs[-1]).flatten(1)
        return (torch.cat(side + [main], dim=1), )
