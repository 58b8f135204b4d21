"""Out-of-distribution flag: how far an image's pooled backbone features
lie from the training images' features (:class:`NearestNeighbourOOD`).

The statistics (a memory bank of training features, per-view scales and a
calibrated threshold) are fitted by ``tools/misc/fit_ood.py`` on the
training images of a model and stored in its checkpoint under
``meta['ood']`` (tensors and numbers only, so the file still loads with
``weights_only=True``). Scales and threshold come from *held-out* training
images -- images the bank does not hold -- so about 1 % (the default
quantile 99 %) of in-distribution images are flagged by construction.

Features: :func:`.features.pooled` (the global average of the backbone's
last feature map, captured by :class:`.features.FeatureCapture` during the
ordinary test step).
"""
import warnings
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

META_KEY = 'ood'


class NearestNeighbourOOD:
    """Out-of-distribution score: k-th nearest-neighbour distance to the
    training images' features, in two views, calibrated on held-out
    training images.

    Views of a pooled feature ``x`` (:math:`f_{(k)}` = its k-th nearest
    fitted training feature in that view, ``sigma`` = the training
    features' per-channel std, see :func:`channel_scale`):

    - ``cosine``: :math:`d_{cos}(x) = \\lVert \\hat x - \\hat f_{(k)}
      \\rVert` with :math:`\\hat v = v / \\lVert v \\rVert` -- deep
      nearest neighbours (Sun et al., ICML 2022); sees a change of content;
    - ``standardized``: :math:`d_{std}(x) = \\lVert (x - f_{(k)}) / \\sigma
      \\rVert` -- sees a change of activation magnitude (contrast,
      brightness, bit depth), which the normalisation above removes.

    Each view is scaled by its held-out calibration distances
    :math:`c_v` so that its median maps to 0 and its ``quantile`` to 1,
    and the score is the larger of the two:
    :math:`s(x) = \\max_v (d_v(x) - \\mathrm{med}\\,c_v) /
    (q(c_v) - \\mathrm{med}\\,c_v)`. The threshold is the ``quantile``
    of the calibration images' scores, so about ``1 - quantile`` of
    in-distribution images are flagged by construction.
    """

    def __init__(self,
                 bank: torch.Tensor,
                 std: torch.Tensor,
                 offsets: torch.Tensor,
                 scales: torch.Tensor,
                 threshold: float,
                 k: int = 1,
                 quantile: float = 0.99,
                 num_calib: int = 0):
        self.bank = torch.as_tensor(bank, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)
        self.offsets = torch.as_tensor(offsets, dtype=torch.float32)
        self.scales = torch.as_tensor(scales, dtype=torch.float32)
        self.threshold = float(threshold)
        self.k, self.quantile = int(k), float(quantile)
        self.num_fit, self.num_calib = len(self.bank), int(num_calib)
        if not 1 <= self.k <= self.num_fit:
            raise ValueError(f'k={self.k} needs 1 <= k <= {self.num_fit} '
                             'fitted features')
        # the bank in both views, computed once (not per scored batch)
        self._bank_views = (F.normalize(self.bank,
                                        dim=1), self.bank / self.std)

    @classmethod
    def fit(cls,
            fit_feats: np.ndarray,
            calib_feats: np.ndarray,
            quantile: float = 0.99,
            k: int = 1) -> 'NearestNeighbourOOD':
        """Memory bank from ``fit_feats`` (N, C); view scales and threshold
        from the held-out ``calib_feats``."""
        bank = torch.as_tensor(np.asarray(fit_feats), dtype=torch.float32)
        calib = torch.as_tensor(np.asarray(calib_feats), dtype=torch.float32)
        if len(calib) < 2:
            raise ValueError('calibration needs at least 2 held-out '
                             f'features, got {len(calib)}')
        ood = cls(
            bank,
            channel_scale(bank),
            torch.zeros(2),
            torch.ones(2),
            threshold=np.inf,
            k=k,
            quantile=quantile,
            num_calib=len(calib))
        d = ood.view_distances(calib)
        ood.offsets = torch.quantile(d, 0.5, dim=0)
        ood.scales = (torch.quantile(d, quantile, dim=0) -
                      ood.offsets).clamp(min=1e-6)
        ood.threshold = float(torch.quantile(ood.score(calib), quantile))
        return ood

    def view_distances(self, feats: torch.Tensor) -> torch.Tensor:
        """(N, 2) k-th nearest-neighbour distances (cosine, standardized)."""
        x = torch.as_tensor(feats, dtype=torch.float32)
        views = zip((F.normalize(x, dim=1), x / self.std), self._bank_views)
        return torch.stack([
            torch.cdist(q, b,
                        compute_mode='donot_use_mm_for_euclid_dist').topk(
                            self.k, dim=1, largest=False).values[:, -1]
            for q, b in views
        ], 1)

    def score(self, feats: torch.Tensor) -> torch.Tensor:
        """(N,) OOD scores; above :attr:`threshold` = flagged."""
        d = self.view_distances(feats)
        return ((d - self.offsets) / self.scales).max(dim=1).values

    def to_meta(self) -> Dict:
        return dict(
            method='knn',
            bank=self.bank.clone(),
            std=self.std.clone(),
            offsets=self.offsets.clone(),
            scales=self.scales.clone(),
            threshold=self.threshold,
            k=self.k,
            quantile=self.quantile,
            num_calib=self.num_calib,
            features='backbone, last stage, global average')

    @classmethod
    def from_meta(
            cls,
            meta: Optional[Dict],
            source: str = 'the checkpoint') -> Optional['NearestNeighbourOOD']:
        """The statistics saved in ``meta['ood']``; None (with a warning
        for statistics of another kind) when there are none to use."""
        if not meta or META_KEY not in meta:
            return None
        m = meta[META_KEY]
        if m.get('method') != 'knn':
            warnings.warn(
                f'{source}: its OOD statistics are of an older kind (keys '
                f'{sorted(m)}); images are not checked for being out of '
                'distribution until they are fitted again with '
                'tools/misc/fit_ood.py')
            return None
        return cls(m['bank'], m['std'], m['offsets'], m['scales'],
                   m['threshold'], m['k'], m['quantile'], m['num_calib'])


def channel_scale(feats: torch.Tensor) -> torch.Tensor:
    """Per-channel std of ``feats`` (N, C), floored at 1 % of the median
    channel's, so that a channel constant in training (a ReLU that never
    fired) does not turn any activation of it into an infinite distance."""
    std = feats.std(0)
    return std.clamp(min=max(0.01 * float(std.median()), 1e-6))


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
