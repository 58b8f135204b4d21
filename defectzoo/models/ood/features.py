"""Pooled backbone features of a model's ordinary forward pass, for
feature-space scoring (:mod:`.nearest_neighbour`): the global average of
the backbone's last feature map, captured by a forward hook during the test
step (no second forward pass)."""
from typing import Optional

import torch
import torch.nn as nn
from torch.utils.hooks import RemovableHandle


def pooled(feats) -> torch.Tensor:
    """(N, C) global average of the last of ``feats`` (a tensor or a
    tuple / list of multi-scale maps, as backbones return)."""
    while isinstance(feats, (tuple, list)):
        feats = feats[-1]
    if feats.dim() == 4:
        feats = feats.mean(dim=(2, 3))
    elif feats.dim() == 3:  # (N, L, C) tokens
        feats = feats.mean(dim=1)
    return feats.detach().float().cpu()


class FeatureCapture:
    """Keeps the pooled output of ``module`` of the last forward pass."""

    def __init__(self, module: nn.Module):
        self.features: Optional[torch.Tensor] = None
        self.handle: RemovableHandle = module.register_forward_hook(self._hook)

    def _hook(self, module, args, output):
        self.features = pooled(output)

    def pop(self) -> Optional[torch.Tensor]:
        feats, self.features = self.features, None
        return feats

    def remove(self):
        self.handle.remove()


def feature_module(model: nn.Module) -> nn.Module:
    """The module whose output is pooled: the backbone (all OpenMMLab
    classifiers, detectors and segmentors have one)."""
    backbone = getattr(model, 'backbone', None)
    if backbone is None:
        raise ValueError(f'{type(model).__name__} has no backbone: OOD '
                         'statistics need pooled backbone features')
    return backbone
