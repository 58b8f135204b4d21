"""Loading for inference: a file path or an image already in memory,
through the loading transform of the config's test pipeline.

mmdet's ``InferencerLoader`` (and mmpretrain's / mmseg's inferencers) only
recognise ``LoadImageFromFile`` in a test pipeline; defectzoo's pipelines
start with :class:`LoadImageChecked` (named errors for bad files) or
:class:`LoadXRayImage` (8/16-bit windowing). ``LoadInferenceImage`` wraps
whichever loader the config has, so a path is read exactly as in testing,
and a numpy array gets the same treatment in memory:

- ``LoadXRayImage``: the array is windowed like a file (8/16-bit, float);
- other loaders: 8-bit images are used as they are (grey -> 3 channels);
  16-bit ones are min-max stretched to 8 bit first.
"""
from typing import Optional, Union

import numpy as np
from mmcv.transforms import BaseTransform

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import InvalidDataError
from .loading import LoadXRayImage, window_to_uint8

#: Types of the loading transforms ``LoadInferenceImage`` may replace.
LOADING_TRANSFORMS = ('LoadImageFromFile', 'mmdet.LoadImageFromFile',
                      'mmpretrain.LoadImageFromFile',
                      'mmseg.LoadImageFromFile', 'LoadImageChecked',
                      'defectzoo.LoadImageChecked', 'LoadXRayImage',
                      'defectzoo.LoadXRayImage')


def to_bgr_uint8(img: np.ndarray, name: str) -> np.ndarray:
    """An in-memory image as 8-bit, 3-channel (16-bit: min-max stretched;
    grey: replicated)."""
    if not isinstance(img, np.ndarray) or img.ndim not in (2, 3) or \
            img.size == 0:
        raise InvalidDataError(
            name, 'not an image array (expected HxW or '
            f'HxWxC), got {getattr(img, "shape", img)!r}')
    if img.dtype == np.uint16 or img.dtype.kind == 'f':
        img = window_to_uint8(img, float(img.min()), float(img.max()))
    elif img.dtype != np.uint8:
        raise InvalidDataError(name, f'unexpected bit depth: {img.dtype}')
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    elif img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    elif img.shape[2] == 4:
        img = np.ascontiguousarray(img[..., :3])
    return img


@TRANSFORMS.register_module()
class LoadInferenceImage(BaseTransform):
    """Load ``results['img']`` (an array) or ``results['img_path']``.

    Args:
        loader (dict): the test pipeline's loading transform config.
    """

    def __init__(self, loader: Optional[dict] = None):
        self.loader_cfg = dict(loader or dict(type='LoadImageChecked'))
        self.loader = TRANSFORMS.build(self.loader_cfg)

    def transform(self, results: Union[str, np.ndarray, dict]) -> dict:
        if isinstance(results, str):
            results = dict(img_path=results)
        elif isinstance(results, np.ndarray):
            results = dict(img=results)
        if 'img' not in results:
            return self.loader(results)
        name = results.setdefault('img_path', None) or '<array>'
        img = results['img']
        if isinstance(self.loader, LoadXRayImage):
            return self.loader.from_array(img, name, results)
        img = to_bgr_uint8(img, name)
        if getattr(self.loader, 'to_float32', False):
            img = img.astype(np.float32)
        results.update(
            img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(loader={self.loader!r})'
