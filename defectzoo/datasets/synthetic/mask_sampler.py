"""New defect masks drawn from real ones (Magna-Defect-GAN sampling).

The paper makes new training images by feeding the generator "new masks
obtained from the real ones by shifting, rotating, scaling and combining
them". :class:`MaskSampler` does exactly that on a pool of real binary
masks with their guide vectors: one random similarity transform (rotation,
isotropic scale, shift, nearest-neighbour) of a random real mask, with
probability ``combine_prob`` united with a transformed second mask of the
same defect type; empty results are redrawn. The guide vector keeps the
source's defect type; brightness and texture come from another random real
sample (their empirical joint distribution) unless fixed.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np


def transform_mask(mask: np.ndarray, angle: float, scale: float,
                   shift: Tuple[float, float]) -> np.ndarray:
    """Rotate ``angle`` degrees and scale about the mask's centre of mass,
    then shift by ``shift`` (pixels, x, y); nearest-neighbour, 0 outside."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    if len(xs):
        centre = (float(xs.mean()), float(ys.mean()))
    else:
        centre = (w / 2, h / 2)
    mat = cv2.getRotationMatrix2D(centre, angle, scale)
    mat[:, 2] += shift
    return cv2.warpAffine(
        mask.astype(np.uint8),
        mat, (w, h),
        flags=cv2.INTER_NEAREST,
        borderValue=0)


class MaskSampler:
    """Draw ``(mask, guide)`` pairs from a pool of real ones.

    Args:
        masks: real binary masks, all of the same size.
        guides: their guide vectors (attribute indices, defect type first).
        rotation: rotation range in degrees (uniform in ``[-r, r]``).
        scale: isotropic scale range.
        shift: maximal shift as a fraction of the side.
        combine_prob: probability of uniting two transformed masks of the
            same defect type.
        fixed_guide: attribute index -> fixed value (e.g. ``{1: 2}`` for
            the brightest bin); the defect type (index 0) fixed restricts
            the source masks to that type.
        seed: random seed.
    """

    def __init__(self,
                 masks: Sequence[np.ndarray],
                 guides: Sequence[Sequence[int]],
                 rotation: float = 180.,
                 scale: Tuple[float, float] = (0.7, 1.3),
                 shift: float = 0.25,
                 combine_prob: float = 0.3,
                 fixed_guide: Optional[Dict[int, int]] = None,
                 seed: int = 0,
                 max_tries: int = 50):
        if not len(masks):
            raise ValueError('MaskSampler needs at least one real mask')
        if len(masks) != len(guides):
            raise ValueError(f'{len(masks)} masks but {len(guides)} guides')
        self.masks = [np.asarray(m) > 0 for m in masks]
        self.guides = np.asarray(guides, np.int64).reshape(len(masks), -1)
        self.rotation, self.scale, self.shift = rotation, scale, shift
        self.combine_prob = combine_prob
        self.fixed_guide = dict(fixed_guide or {})
        self.rng = np.random.default_rng(seed)
        self.max_tries = max_tries
        self.sources = np.arange(len(masks))
        if 0 in self.fixed_guide and self.guides.shape[1]:
            self.sources = np.nonzero(self.guides[:,
                                                  0] == self.fixed_guide[0])[0]
            if not len(self.sources):
                raise ValueError(f'no real mask of defect type index '
                                 f'{self.fixed_guide[0]}')

    def _random_transform(self, mask: np.ndarray) -> np.ndarray:
        h, w = mask.shape
        rng = self.rng
        return transform_mask(mask, rng.uniform(-self.rotation, self.rotation),
                              rng.uniform(*self.scale),
                              (rng.uniform(-self.shift, self.shift) * w,
                               rng.uniform(-self.shift, self.shift) * h))

    def sample(self) -> Tuple[np.ndarray, np.ndarray, List[int]]:
        """One ``(mask uint8 0/1, guide int64, source indices)``."""
        for _ in range(self.max_tries):
            i = int(self.rng.choice(self.sources))
            mask = self._random_transform(self.masks[i])
            used = [i]
            if self.rng.random() < self.combine_prob:
                guide_i = self.guides[i]
                same = self.sources if not self.guides.shape[1] else \
                    self.sources[self.guides[self.sources, 0] == guide_i[0]]
                j = int(self.rng.choice(same))
                mask = mask | self._random_transform(self.masks[j])
                used.append(j)
            if mask.any():
                break
        else:
            raise RuntimeError('could not draw a non-empty mask in '
                               f'{self.max_tries} tries')
        guide = self.guides[i].copy()
        if len(guide) > 1:  # appearance from another real sample
            k = int(self.rng.integers(len(self.masks)))
            guide[1:] = self.guides[k, 1:]
        for attr, value in self.fixed_guide.items():
            guide[attr] = value
        return mask.astype(np.uint8), guide, used
