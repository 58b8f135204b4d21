"""Out-of-distribution flag: Mahalanobis distance of an image's pooled
backbone features from the training images' features.

The statistics (mean, Ledoit-Wolf shrunk precision matrix, calibrated
threshold) are fitted by ``tools/misc/fit_ood.py`` on the training images
of a model and stored in its checkpoint under ``meta['ood']`` (tensors and
numbers only, so the file still loads with ``weights_only=True``). The
threshold is a quantile (default 99 %) of the distances of *held-out*
training images -- images the covariance did not see -- so about 1 % of
in-distribution images are flagged by construction.

Features: the global average of the backbone's last feature map, captured
by a forward hook during the ordinary test step (no second forward pass).
"""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from torch.utils.hooks import RemovableHandle

META_KEY = 'ood'


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


class MahalanobisOOD:
    """Mahalanobis distance to Ledoit-Wolf statistics, with a threshold."""

    def __init__(self,
                 mean: torch.Tensor,
                 precision: torch.Tensor,
                 threshold: float,
                 quantile: float = 0.99,
                 num_fit: int = 0,
                 num_calib: int = 0):
        self.mean = torch.as_tensor(mean, dtype=torch.float64)
        self.precision = torch.as_tensor(precision, dtype=torch.float64)
        self.threshold = float(threshold)
        self.quantile = float(quantile)
        self.num_fit, self.num_calib = int(num_fit), int(num_calib)

    @classmethod
    def fit(cls,
            fit_feats: np.ndarray,
            calib_feats: np.ndarray,
            quantile: float = 0.99) -> 'MahalanobisOOD':
        """Statistics from ``fit_feats`` (N, C); threshold = ``quantile``
        of the distances of the held-out ``calib_feats``."""
        from sklearn.covariance import LedoitWolf
        fit_feats = np.asarray(fit_feats, np.float64)
        lw = LedoitWolf().fit(fit_feats)
        ood = cls(
            torch.from_numpy(lw.location_),
            torch.from_numpy(lw.precision_),
            threshold=np.inf,
            quantile=quantile,
            num_fit=len(fit_feats),
            num_calib=len(calib_feats))
        dist = ood.distance(torch.as_tensor(np.asarray(calib_feats)))
        ood.threshold = float(np.quantile(dist.numpy(), quantile))
        return ood

    def distance(self, feats: torch.Tensor) -> torch.Tensor:
        """(N,) Mahalanobis distances of (N, C) features."""
        d = feats.to(torch.float64) - self.mean
        return torch.einsum('nc,cd,nd->n', d, self.precision,
                            d).clamp_(min=0).sqrt_()

    def to_meta(self) -> Dict:
        return dict(
            mean=self.mean.float(),
            precision=self.precision.float(),
            threshold=self.threshold,
            quantile=self.quantile,
            num_fit=self.num_fit,
            num_calib=self.num_calib,
            features='backbone, last stage, global average')

    @classmethod
    def from_meta(cls, meta: Optional[Dict]) -> Optional['MahalanobisOOD']:
        if not meta or META_KEY not in meta:
            return None
        m = meta[META_KEY]
        return cls(m['mean'], m['precision'], m['threshold'],
                   m.get('quantile', 0.99), m.get('num_fit', 0),
                   m.get('num_calib', 0))


def split_fit_calib(n: int,
                    calib_fraction: float,
                    seed: int = 0) -> Sequence[np.ndarray]:
    """Seeded disjoint index sets (fit, calibration) of ``range(n)``."""
    if not 0 < calib_fraction < 1:
        raise ValueError(f'calib_fraction must be in (0, 1), got '
                         f'{calib_fraction}')
    perm = np.random.default_rng(seed).permutation(n)
    n_calib = max(1, int(round(n * calib_fraction)))
    return np.sort(perm[n_calib:]), np.sort(perm[:n_calib])
