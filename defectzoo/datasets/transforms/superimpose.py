"""On-the-fly simulated defects on the user's own radiographs (Mery 2021):
new random 3-D ellipsoidal voids every time an image is drawn."""
import zlib
from collections import OrderedDict
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import InvalidDataError, read_image_checked
from ..synthetic.ellipsoid_defects import (DEFAULT_SIZE_RANGE, find_part_mask,
                                           superimpose_ellipsoids)
from .loading import LoadXRayImage


@TRANSFORMS.register_module()
class SuperimposeEllipsoidDefects(BaseTransform):
    """Superimpose simulated ellipsoidal defects on a raw radiograph.

    Put it after ``LoadXRayImage(keep_raw=True)`` and
    ``mmdet.LoadAnnotations``: the defects are added to the *raw* (8/16-bit)
    image by the attenuation law
    (:func:`~defectzoo.datasets.synthetic.ellipsoid_defects.superimpose_ellipsoids`),
    which is then windowed again with ``window`` (the ``LoadXRayImage``
    arguments of the loader). Existing boxes -- labelled defects and
    ``ignore`` regions (COCO ``iscrowd=1``: real defects known but not
    labelled) -- are kept free of new defects; an ignore region stays
    ignored in the loss (see ``IgnoreRegionAssigner``).

    Required keys: ``img_raw``; optional ``gt_bboxes``, ``gt_ignore_flags``,
    ``gt_masks``, ``part_mask_path`` (a PNG, non-zero = part; default: the
    part is found by :func:`find_part_mask`). Modified: ``img``,
    ``img_raw``, ``gt_bboxes``, ``gt_bboxes_labels``, ``gt_ignore_flags``,
    ``gt_masks`` (when present or ``with_mask``). Added: ``superimposed``
    (the defect parameters).

    Args:
        num_defects, size_range, aspect_range, depth_range, mu, psf_sigma,
        offset, polarity, margin: see ``superimpose_ellipsoids`` (sizes in
            pixels of the raw image).
        label: class index of the new boxes.
        window: ``LoadXRayImage`` arguments to window the result to 8 bit.
        with_mask: add instance masks (``gt_masks``).
        seed: ``None`` draws from numpy's global stream (seeded per worker
            by mmengine: new defects every epoch); an int makes every call
            with the same image path give the same defects.
    """

    CACHE_SIZE = 512  # part masks kept per worker

    def __init__(self,
                 num_defects: Sequence[int] = (1, 6),
                 size_range: Sequence[float] = DEFAULT_SIZE_RANGE,
                 aspect_range: Sequence[float] = (0.5, 1.0),
                 depth_range: Sequence[float] = (0.5, 2.0),
                 mu: Sequence[float] = (0.01, 0.04),
                 psf_sigma: Sequence[float] = (0.5, 1.0),
                 offset: float = 0.0,
                 polarity: str = 'bright',
                 margin: int = 2,
                 label: int = 0,
                 window: Optional[dict] = None,
                 with_mask: bool = False,
                 seed: Optional[int] = None):
        if not 0 <= num_defects[0] <= num_defects[1]:
            raise ValueError(f'num_defects must be (min, max) with 0 <= min '
                             f'<= max, got {num_defects}')
        if not 0 < size_range[0] <= size_range[1]:
            raise ValueError(f'size_range must be (min, max) pixels with 0 '
                             f'< min <= max, got {size_range}')
        self.kwargs = dict(
            num_defects=tuple(num_defects),
            size_range=tuple(size_range),
            aspect_range=tuple(aspect_range),
            depth_range=tuple(depth_range),
            mu=tuple(mu),
            psf_sigma=tuple(psf_sigma),
            offset=offset,
            polarity=polarity,
            margin=margin)
        self.label = label
        window = {
            **dict(percentiles=(0.5, 99.5), to_rgb=True),
            **(window or {})
        }
        self.loader = LoadXRayImage(keep_raw=True, **window)
        self.with_mask = with_mask
        self.seed = seed
        self._part_cache: OrderedDict = OrderedDict()  # path -> part mask

    def _part_mask(self, results: dict, raw: np.ndarray) -> np.ndarray:
        """The part mask of an image (read, or found), cached per file."""
        path = results.get('img_path')
        key = (path, results.get('part_mask_path'), raw.shape)
        if path is not None and key in self._part_cache:
            self._part_cache.move_to_end(key)
            return self._part_cache[key]
        h, w = raw.shape[:2]
        if results.get('part_mask_path'):
            part = read_image_checked(
                results['part_mask_path'], 'grayscale', what='part mask') > 0
            if part.shape != (h, w):
                raise InvalidDataError(
                    results['part_mask_path'],
                    f'part mask is {part.shape[1]}x{part.shape[0]}, the '
                    f'image {w}x{h}')
        else:
            part = find_part_mask(raw, self.kwargs['polarity'])
        if path is not None:
            self._part_cache[key] = part
            if len(self._part_cache) > self.CACHE_SIZE:
                self._part_cache.popitem(last=False)
        return part

    def _rng(self, results: dict) -> np.random.Generator:
        if self.seed is None:
            return np.random.default_rng(np.random.randint(2**31))
        key = zlib.crc32(str(results.get('img_path', '')).encode())
        return np.random.default_rng([self.seed, key])

    def transform(self, results: dict) -> dict:
        raw = results['img_raw']
        h, w = raw.shape[:2]
        part = self._part_mask(results, raw)
        forbidden = np.zeros((h, w), bool)
        boxes = results.get('gt_bboxes')
        if boxes is not None:
            for x1, y1, x2, y2 in np.asarray(
                    boxes.tensor if hasattr(boxes, 'tensor') else boxes
            ).reshape(-1, 4):
                forbidden[max(int(np.floor(y1)), 0):int(np.ceil(y2)),
                          max(int(np.floor(x1)), 0):int(np.ceil(x2))] = True
        img, defects = superimpose_ellipsoids(
            raw,
            self._rng(results),
            part_mask=part,
            forbidden=forbidden,
            **self.kwargs)
        self.loader.from_array(img, results.get('img_path', ''), results)
        self._add_instances(results, defects, h, w)
        results['superimposed'] = [{
            k: v
            for k, v in d.items() if k != 'mask'
        } for d in defects]
        return results

    def _add_instances(self, results: dict, defects: list, h: int, w: int):
        new = np.array([d['bbox'] for d in defects], np.float32).reshape(-1, 4)
        old = results.get('gt_bboxes')
        old = (
            old.tensor.numpy() if old is not None else np.zeros(
                (0, 4), np.float32))
        results['gt_bboxes'] = HorizontalBoxes(np.concatenate([old, new]))
        labels = results.get('gt_bboxes_labels', np.zeros(0, np.int64))
        results['gt_bboxes_labels'] = np.concatenate(
            [labels, np.full(len(new), self.label, np.int64)])
        flags = results.get('gt_ignore_flags', np.zeros(len(old), bool))
        results['gt_ignore_flags'] = np.concatenate(
            [flags, np.zeros(len(new), bool)])
        if self.with_mask or 'gt_masks' in results:
            masks = np.stack([d['mask'] for d in defects]).astype(
                np.uint8) if defects else np.zeros((0, h, w), np.uint8)
            if 'gt_masks' in results:
                before = results['gt_masks'].to_ndarray()
            else:  # boxes without masks: the box is the mask
                before = np.zeros((len(old), h, w), np.uint8)
                for m, (x1, y1, x2, y2) in zip(before, old):
                    m[int(y1):int(np.ceil(y2)), int(x1):int(np.ceil(x2))] = 1
            masks = np.concatenate([before, masks])
            results['gt_masks'] = BitmapMasks(masks, h, w)

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v}' for k, v in self.kwargs.items())
        return f'{self.__class__.__name__}({args}, seed={self.seed})'
