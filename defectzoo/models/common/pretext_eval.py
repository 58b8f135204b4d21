"""Held-out pretext loss for self-supervised algorithms.

mmpretrain's self-supervised models only have ``tensor`` and ``loss`` modes,
so ``tools/test.py`` and validation loops cannot run them. The mixin adds a
``predict`` mode that returns the pretext loss of each batch (SimMIM: L1 on
masked pixels; SimSiam: symmetric negative cosine), which
:class:`~defectzoo.evaluation.PretextLossMetric` averages over a held-out
split — the usual way to see whether pretraining generalises.
"""
from typing import List, Optional

import torch
from mmpretrain.models import SimMIM, SimSiam
from mmpretrain.structures import DataSample

from defectzoo.registry import MODELS


class PretextLossEvalMixin:
    """Adds ``mode='predict'``: every sample carries its batch's pretext loss
    in ``pred.pretext_loss``."""

    def forward(self,
                inputs,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)

    @torch.no_grad()
    def predict(self, inputs, data_samples: List[DataSample]):
        losses = self.loss(inputs, data_samples)
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        for sample in data_samples:
            sample.set_field(
                float(loss), 'pretext_loss', field_type='metainfo')
        return data_samples


@MODELS.register_module()
class SimMIMWithEval(PretextLossEvalMixin, SimMIM):
    """mmpretrain :class:`SimMIM` plus held-out reconstruction loss."""


@MODELS.register_module()
class SimSiamWithEval(PretextLossEvalMixin, SimSiam):
    """mmpretrain :class:`SimSiam` plus held-out negative-cosine loss."""
