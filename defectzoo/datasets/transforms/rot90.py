"""Right-angle rotation, the SCL + ArcMargin paper's "rotation by k x 90
degrees" (mmpretrain's ``Rotate`` interpolates and pads; this is exact)."""
from typing import Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from defectzoo.registry import TRANSFORMS


def rot90_boxes(boxes, k: int, h: int, w: int):
    """``x1, y1, x2, y2`` boxes after ``np.rot90(img, k)``; ``h, w``: the
    rotated image's size. Returns the same box type."""
    t = boxes.tensor if hasattr(boxes, 'tensor') else boxes
    x1, y1, x2, y2 = t[:, 0], t[:, 1], t[:, 2], t[:, 3]
    stack = np.stack if isinstance(t, np.ndarray) else torch.stack
    if k == 1:  # old width = new height
        out = stack([y1, h - x2, y2, h - x1], 1)
    elif k == 2:
        out = stack([w - x2, h - y2, w - x1, h - y1], 1)
    else:  # k == 3, old height = new width
        out = stack([w - y2, x1, w - y1, x2], 1)
    return type(boxes)(out) if hasattr(boxes, 'tensor') else out


@TRANSFORMS.register_module()
class RandomRot90(BaseTransform):
    """Rotate ``img`` (and ``gt_seg_map``, ``gt_bboxes``, ``gt_masks`` when
    present) by ``k x 90`` degrees counter-clockwise, ``k`` drawn uniformly
    from ``ks``.

    With probability ``1 - prob`` the sample is left as it is. Lossless (a
    transpose/flip of the array): a non-square image swaps height and width,
    and ``img_shape`` is updated.

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``,
    ``gt_seg_map``, ``gt_bboxes`` (mmdet boxes, pixel-edge coordinates:
    ``k=1`` maps ``(x, y)`` to ``(y, W - x)``), ``gt_masks``. Added key:
    ``rot90_k``.

    Args:
        prob: probability of rotating. Defaults to 1.0 (``k=0`` is one of
            the draws, so every orientation is equally likely).
        ks: the quarter turns to draw from. Defaults to (0, 1, 2, 3).
    """

    def __init__(self, prob: float = 1.0, ks: Sequence[int] = (0, 1, 2, 3)):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        ks = tuple(int(k) % 4 for k in ks)
        if not ks:
            raise ValueError('ks must name at least one quarter turn')
        self.prob = prob
        self.ks = ks

    @cache_randomness
    def _draw_k(self) -> int:
        if np.random.rand() >= self.prob:
            return 0
        return int(self.ks[np.random.randint(len(self.ks))])

    def transform(self, results: dict) -> Optional[dict]:
        k = self._draw_k()
        results['rot90_k'] = k
        if k == 0:
            return results
        img = np.ascontiguousarray(np.rot90(results['img'], k, axes=(0, 1)))
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        if results.get('gt_seg_map') is not None:
            results['gt_seg_map'] = np.ascontiguousarray(
                np.rot90(results['gt_seg_map'], k, axes=(0, 1)))
        h, w = results['img'].shape[:2]  # after the turn
        if results.get('gt_bboxes') is not None:
            results['gt_bboxes'] = rot90_boxes(results['gt_bboxes'], k, h, w)
        if results.get('gt_masks') is not None:
            masks = results['gt_masks']
            results['gt_masks'] = type(masks)(np.ascontiguousarray(
                np.rot90(masks.to_ndarray(), k, axes=(1, 2))), h, w)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob}, ks={self.ks})'
