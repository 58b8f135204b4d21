"""Loading transforms that turn bad files into named errors.

``LoadImageChecked`` is mmcv's ``LoadImageFromFile`` plus the lazy half of
the bad-data checks (see :mod:`defectzoo.datasets.validated_dataset`): an
empty, truncated or undecodable image raises
:class:`~defectzoo.datasets.validation.InvalidDataError` naming the file,
where OpenCV would return a grey-filled image or ``None``.

``LoadDefectMask`` loads a mask PNG as ``gt_seg_map`` (mmseg's key),
checks its size against the image and binarises it when the sample (or the
transform) gives a threshold -- defect masks are often 0/255 with grey
anti-aliased edges, which mmseg's ``LoadAnnotations`` would keep as labels.
"""
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, LoadImageFromFile
from mmengine import fileio

from defectzoo.registry import TRANSFORMS
from ..validation import (TAIL_BYTES, InvalidDataError, check_mask_shape,
                          check_not_truncated, read_mask_checked)


@TRANSFORMS.register_module()
class LoadImageChecked(LoadImageFromFile):
    """``LoadImageFromFile`` that raises :class:`InvalidDataError` (file +
    problem) for an empty, truncated or undecodable image.

    Same arguments as :class:`mmcv.transforms.LoadImageFromFile`;
    ``ignore_empty=True`` returns None for such files instead (the dataset
    then fetches another sample in training).
    """

    def transform(self, results: dict) -> Optional[dict]:
        filename = results['img_path']
        try:
            img_bytes = fileio.get(filename, backend_args=self.backend_args)
            if not img_bytes:
                raise InvalidDataError(filename, 'empty image file (0 bytes)')
            check_not_truncated(img_bytes[:16], img_bytes[-TAIL_BYTES:],
                                filename)
            try:
                img = mmcv.imfrombytes(
                    img_bytes,
                    flag=self.color_type,
                    backend=self.imdecode_backend)
            except Exception as exc:
                raise InvalidDataError(filename,
                                       f'unreadable image ({exc})') from exc
            if img is None or img.size == 0:
                raise InvalidDataError(
                    filename, 'unreadable image: truncated, corrupt or not '
                    'an image')
        except (InvalidDataError, FileNotFoundError) as exc:
            if self.ignore_empty:
                return None
            if isinstance(exc, FileNotFoundError):
                raise InvalidDataError(filename, 'missing image file') \
                    from exc
            raise
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results


@TRANSFORMS.register_module()
class LoadDefectMask(BaseTransform):
    """Load ``results['seg_map_path']`` as ``results['gt_seg_map']``.

    Required keys: ``seg_map_path`` (None: an all-background mask of the
    image's size), ``img_shape`` when ``check_size``. Optional keys:
    ``mask_threshold`` (set by e.g. ``MagneticTileSegDataset``),
    ``label_map``, ``reduce_zero_label`` (as in mmseg).

    Args:
        threshold: binarise to ``mask >= threshold`` (0 / 1) when the sample
            has no ``mask_threshold``; None keeps the values as labels.
        check_size: raise :class:`InvalidDataError` if the mask and the
            loaded image differ in size (load the image first).
        allow_missing: a sample without a mask is all background. False
            (configs that need masks, e.g. multi-task ones) raises
            :class:`InvalidDataError` naming the image instead.
    """

    def __init__(self, threshold: Optional[int] = None,
                 check_size: bool = True,
                 allow_missing: bool = True):
        self.threshold = threshold
        self.check_size = check_size
        self.allow_missing = allow_missing

    def transform(self, results: dict) -> dict:
        path = results.get('seg_map_path')
        if path is None and not self.allow_missing:
            boxes = len(results.get('instances') or [])
            kind = f'box-only sample ({boxes} boxes, no mask)' if boxes \
                else 'sample without a mask (no seg_map_path)'
            raise InvalidDataError(
                results.get('img_path', '?'), f'{kind}, but this config '
                'needs a mask for every image (LoadDefectMask('
                'allow_missing=False)); use a data set with masks')
        if path is None:
            if 'img_shape' not in results:
                raise KeyError('LoadDefectMask needs the image loaded first '
                               'when a sample has no mask')
            mask = np.zeros(results['img_shape'][:2], np.uint8)
        else:
            mask = read_mask_checked(path)
            if self.check_size and 'ori_shape' in results:
                check_mask_shape(mask, results['ori_shape'], path)
        threshold = results.get('mask_threshold')
        if threshold is None:
            threshold = self.threshold
        if threshold is not None:
            mask = (mask >= threshold).astype(np.uint8)
        else:
            label_map = results.get('label_map')
            if label_map:
                original = mask.copy()
                for old, new in label_map.items():
                    mask[original == old] = new
            if results.get('reduce_zero_label', False):
                mask[mask == 0] = 255
                mask = mask - 1
                mask[mask == 254] = 255
        results['gt_seg_map'] = mask
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(threshold={self.threshold}, '
                f'check_size={self.check_size}, '
                f'allow_missing={self.allow_missing})')
