"""Loading transforms that turn bad files into named errors.

``LoadImageChecked`` is mmcv's ``LoadImageFromFile`` decoding through
:func:`~defectzoo.utils.data.validation.decode_checked` (the lazy half of
the bad-data checks, see :mod:`defectzoo.datasets.validated_dataset`): an
empty, truncated or undecodable image raises
:class:`~defectzoo.utils.data.validation.InvalidDataError` naming the file,
where OpenCV would return a grey-filled image or ``None``.

``LoadDefectMask`` is mmseg's ``LoadAnnotations`` (same ``reduce_zero_label``
and ``label_map`` handling, in mmseg's order) plus the checks, an optional
binarisation -- defect masks are often 0/255 with grey anti-aliased edges,
which mmseg would keep as labels -- and an all-background mask for a sample
without one (a defect-free image).
"""
from typing import Optional

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmseg.datasets.transforms import LoadAnnotations

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import (DEFAULT_MAX_PIXELS, InvalidDataError,
                                      check_mask_shape, decode_checked,
                                      read_image_header, read_mask_checked)


@TRANSFORMS.register_module()
class LoadImageChecked(LoadImageFromFile):
    """``LoadImageFromFile`` that raises :class:`InvalidDataError` (file +
    problem) for a missing, empty, truncated or undecodable image.

    Same arguments as :class:`mmcv.transforms.LoadImageFromFile`;
    ``ignore_empty=True`` returns None for such files instead (the dataset
    then fetches another sample in training). ``max_pixels`` (default
    :data:`~defectzoo.utils.data.validation.DEFAULT_MAX_PIXELS`; None: no
    limit) refuses an image bomb before decoding it, ``min_size`` (default:
    none) an image with a smaller side.
    """

    def __init__(self,
                 *args,
                 max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                 min_size: Optional[int] = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.max_pixels = max_pixels
        self.min_size = min_size

    def transform(self, results: dict) -> Optional[dict]:
        filename = results['img_path']
        try:
            try:
                img_bytes = fileio.get(
                    filename, backend_args=self.backend_args)
            except FileNotFoundError as exc:
                raise InvalidDataError(filename, 'missing image file') \
                    from exc
            img = decode_checked(
                img_bytes,
                filename,
                self.color_type,
                self.imdecode_backend,
                max_pixels=self.max_pixels,
                min_size=self.min_size)
        except InvalidDataError:
            if self.ignore_empty:
                return None
            raise
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results


@TRANSFORMS.register_module()
class LoadDefectMask(LoadAnnotations):
    """mmseg's ``LoadAnnotations`` for defect masks.

    Adds to mmseg's loader:

    - the mask is checked first (missing, empty, truncated, wrong mode, or
      a size that differs from the loaded image's) and a bad one raises
      :class:`InvalidDataError` naming the file;
    - ``threshold`` / the sample's ``mask_threshold`` (set by e.g.
      ``MagneticTileSegDataset``): the mask is binarised to
      ``mask >= threshold`` (0 / 1) and ``label_map`` /
      ``reduce_zero_label`` do not apply;
    - ``seg_map_path=None`` gives an all-background (0) mask of the image's
      size (load the image first).

    Otherwise mmseg's ``reduce_zero_label`` and then ``label_map`` apply,
    exactly as in mmseg. ``seg_fields`` and ``reduce_zero_label`` default to
    ``[]`` / False when the sample has none (datasets that are not
    ``BaseSegDataset``).

    Args:
        threshold: binarise when the sample has no ``mask_threshold``;
            None keeps the values as labels.
        check_size: raise :class:`InvalidDataError` if the mask and the
            loaded image (``ori_shape``) differ in size.
        allow_missing: a sample without a mask is all background. False
            (configs that need masks, e.g. multi-task ones) raises
            :class:`InvalidDataError` naming the image instead.
        reduce_zero_label, backend_args, imdecode_backend: as in mmseg.
    """

    def __init__(self,
                 threshold: Optional[int] = None,
                 check_size: bool = True,
                 allow_missing: bool = True,
                 reduce_zero_label: Optional[bool] = None,
                 backend_args: Optional[dict] = None,
                 imdecode_backend: str = 'pillow') -> None:
        super().__init__(
            reduce_zero_label=reduce_zero_label,
            backend_args=backend_args,
            imdecode_backend=imdecode_backend)
        self.threshold = threshold
        self.check_size = check_size
        self.allow_missing = allow_missing

    def _load_seg_map(self, results: dict) -> None:
        results.setdefault('seg_fields', [])
        results.setdefault('reduce_zero_label', bool(self.reduce_zero_label))
        path = results.get('seg_map_path')
        if path is None and not self.allow_missing:
            boxes = len(results.get('instances') or [])
            kind = f'box-only sample ({boxes} boxes, no mask)' if boxes \
                else 'sample without a mask (no seg_map_path)'
            raise InvalidDataError(
                results.get('img_path', '?'), f'{kind}, but this config '
                'needs a mask for every image (LoadDefectMask('
                'allow_missing=False)); use a data set with masks')
        threshold = results.get('mask_threshold')
        if threshold is None:
            threshold = self.threshold
        if path is None:
            if 'img_shape' not in results:
                raise KeyError('LoadDefectMask needs the image loaded first '
                               'when a sample has no mask')
            mask = np.zeros(results['img_shape'][:2], np.uint8)
        elif threshold is not None:
            mask = read_mask_checked(path)
            self._check_size(mask.shape, results, path)
            mask = (mask >= threshold).astype(np.uint8)
        else:
            self._check_size(
                read_image_header(
                    path, (np.uint8, ), (1, ),
                    palette_channels=1,
                    what='mask file'), results, path)
            try:
                return super()._load_seg_map(results)
            except (OSError, ValueError, SyntaxError) as exc:
                raise InvalidDataError(path, f'unreadable mask ({exc})') \
                    from exc
        results['gt_seg_map'] = mask
        results['seg_fields'].append('gt_seg_map')

    def _check_size(self, mask_shape, results: dict, path: str) -> None:
        if self.check_size and 'ori_shape' in results:
            check_mask_shape(
                np.broadcast_to(0, mask_shape[:2]), results['ori_shape'], path)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(threshold={self.threshold}, '
                f'check_size={self.check_size}, '
                f'allow_missing={self.allow_missing}, '
                f'reduce_zero_label={self.reduce_zero_label}, '
                f"imdecode_backend='{self.imdecode_backend}')")
