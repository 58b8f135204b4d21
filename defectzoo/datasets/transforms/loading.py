"""Loading X-ray images (8/16-bit grayscale PNG/TIFF) with intensity
windowing to 8 bit, as a drop-in replacement for mmcv's
``LoadImageFromFile`` in mmdet and mmpretrain pipelines."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import (DEFAULT_MAX_PIXELS, InvalidDataError,
                                      read_image_checked)


def window_to_uint8(img: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map ``[low, high]`` linearly to ``[0, 255]`` (clipped, rounded to
    nearest): ``round(255 * (x - low) / (high - low))``. A window with
    ``high <= low`` maps everything to 0."""
    if high <= low:
        return np.zeros(img.shape, np.uint8)
    out = (img.astype(np.float32) - np.float32(low)) * np.float32(255.0 /
                                                                  (high - low))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


@TRANSFORMS.register_module()
class LoadXRayImage(BaseTransform):
    """Load a grayscale X-ray image and window it to 8 bit.

    Reads 8/16-bit (and 32-bit float) grayscale PNG/TIFF/JPEG/BMP; an RGB(A)
    file whose colour channels are equal is taken as grayscale (alpha is
    dropped). Intensity windowing (one of):

    - ``window=(low, high)``: fixed window in stored units;
    - ``percentiles=(p_low, p_high)``: per-image window between these
      intensity percentiles (e.g. ``(1, 99)``, robust to hot pixels);
    - neither: 8-bit images pass through unchanged, 16-bit images are
      min-max stretched per image (nothing is clipped, so small bright
      defects keep their contrast); float images need a window.

    Required keys: ``img_path``. Added keys: ``img`` (uint8, HxWx3 with
    ``to_rgb`` else HxW), ``img_shape``, ``ori_shape`` (as mmcv's
    ``LoadImageFromFile``), ``xray_window`` (the ``(low, high)`` used) and,
    with ``keep_raw``, ``img_raw`` (the grayscale image before windowing).

    Args:
        window: fixed ``(low, high)`` window.
        percentiles: per-image percentile window.
        to_rgb: replicate to 3 channels, so ImageNet and X-ray checkpoints
            are interchangeable.
        keep_raw: keep the unwindowed image in ``img_raw``.
        allow_color: convert true-colour images to gray (luma) instead of
            raising :class:`InvalidDataError`.
        to_float32: return ``img`` as float32 (values still 0-255).
        max_pixels: largest image accepted (width x height), checked from
            the header before decoding (default
            :data:`~defectzoo.utils.data.validation.DEFAULT_MAX_PIXELS`;
            None: no limit).
        min_size: smallest side accepted (default: no limit).

    Raises:
        InvalidDataError: missing, empty, truncated or unreadable file,
            unsupported bit depth, float image without a window, true-colour
            image with ``allow_color=False``.
    """

    DEPTHS = (np.uint8, np.uint16, np.float32)

    def __init__(self,
                 window: Optional[Sequence[float]] = None,
                 percentiles: Optional[Sequence[float]] = None,
                 to_rgb: bool = True,
                 keep_raw: bool = False,
                 allow_color: bool = False,
                 to_float32: bool = False,
                 max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                 min_size: Optional[int] = None):
        if window is not None and percentiles is not None:
            raise ValueError('give window or percentiles, not both')
        if window is not None and not window[0] < window[1]:
            raise ValueError(f'window must be (low, high) with low < high, '
                             f'got {window}')
        if percentiles is not None and not (0 <= percentiles[0] <
                                            percentiles[1] <= 100):
            raise ValueError('percentiles must be (low, high) with '
                             f'0 <= low < high <= 100, got {percentiles}')
        self.window = None if window is None else tuple(window)
        self.percentiles = None if percentiles is None else tuple(percentiles)
        self.to_rgb = to_rgb
        self.keep_raw = keep_raw
        self.allow_color = allow_color
        self.to_float32 = to_float32
        self.max_pixels = max_pixels
        self.min_size = min_size

    def _to_gray(self, img: np.ndarray, path: str) -> np.ndarray:
        if img.ndim == 2:
            return img
        img = img[..., :3]  # drop alpha
        if (img[..., 0] == img[..., 1]).all() and (img[..., 1]
                                                   == img[..., 2]).all():
            return np.ascontiguousarray(img[..., 0])
        if not self.allow_color:
            raise InvalidDataError(
                path, 'unexpected mode: true-colour image (colour channels '
                'differ); X-ray images are grayscale (allow_color=True '
                'converts to gray)')
        return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)

    def _window(self, img: np.ndarray, path: str) -> Tuple[float, float]:
        if self.window is not None:
            return self.window
        if self.percentiles is not None:
            lo, hi = np.percentile(img, self.percentiles)
            return float(lo), float(hi)
        if img.dtype == np.uint8:
            return 0.0, 255.0
        if img.dtype == np.uint16:
            return float(img.min()), float(img.max())
        raise InvalidDataError(
            path, f'unexpected bit depth: {img.dtype} image needs an '
            'intensity window (window=(low, high) or percentiles=(1, 99))')

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        return self.from_array(
            read_image_checked(
                path,
                'unchanged',
                allowed_depths=self.DEPTHS,
                max_pixels=self.max_pixels,
                min_size=self.min_size), path, results)

    def from_array(self, raw: np.ndarray, path: str, results: dict) -> dict:
        """The windowing and channel handling of :meth:`transform`, on an
        image already in memory (``path`` names it in errors)."""
        if raw.dtype.type not in self.DEPTHS:
            raise InvalidDataError(
                path, f'unexpected bit depth: {raw.dtype} (expected 8/16-bit '
                'integer or 32-bit float)')
        raw = self._to_gray(raw, path)
        low, high = self._window(raw, path)
        if raw.dtype == np.uint8 and (low, high) == (0.0, 255.0):
            img = raw.copy() if self.keep_raw else raw
        else:
            img = window_to_uint8(raw, low, high)
        if self.to_rgb:
            img = np.repeat(img[..., None], 3, axis=2)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        results['xray_window'] = (low, high)
        if self.keep_raw:
            results['img_raw'] = raw
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(window={self.window}, '
                f'percentiles={self.percentiles}, to_rgb={self.to_rgb}, '
                f'keep_raw={self.keep_raw}, allow_color={self.allow_color}, '
                f'to_float32={self.to_float32})')
