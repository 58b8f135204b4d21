"""Transforms that turn a (defect image, mask) sample into a GAN training
pair with a guide vector (Magna-Defect-GAN, Sensors 2023).

The paper's guide vector e holds discrete attributes of the part and the
magnetic particles (particle thickness, brightness, background / part
type). Datasets rarely label them, so :class:`DefectGuideVector` measures
them on the image (defectzoo's choice, stated in
``configs/magna_defect_gan/README.md``):

- ``defect_type``: the defect class (magnetic tile: the ``MT_<Class>``
  folder; a class-index mask: its most frequent defect label);
- ``brightness``: the mean grey level of the background (pixels outside
  the mask), binned at ``brightness_edges``;
- ``texture``: the standard deviation of the background's high-pass
  residual (image minus a Gaussian blur of sigma 2), binned at
  ``texture_edges`` -- smooth vs. grainy surfaces.
"""
from typing import Sequence

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import InvalidDataError

GUIDE_ATTRIBUTES = ('defect_type', 'brightness', 'texture')


def guide_dims(defect_types: Sequence[str], brightness_edges: Sequence[float],
               texture_edges: Sequence[float]) -> tuple:
    """Values per guide attribute, in :data:`GUIDE_ATTRIBUTES` order."""
    return (len(defect_types), len(brightness_edges) + 1,
            len(texture_edges) + 1)


def measure_background(img: np.ndarray, mask: np.ndarray):
    """Mean grey level and high-pass standard deviation of the pixels
    outside ``mask`` (the whole image if the mask covers everything)."""
    grey = img.astype(np.float32)
    if grey.ndim == 3:
        grey = grey.mean(axis=2)
    bg = ~mask.astype(bool)
    if not bg.any():
        bg = np.ones_like(bg)
    high = grey - cv2.GaussianBlur(grey, (0, 0), 2)
    return float(grey[bg].mean()), float(high[bg].std())


@TRANSFORMS.register_module()
class DefectGuideVector(BaseTransform):
    """Binarise the defect mask, check it and compute the guide vector.

    Required keys: ``img``, ``gt_seg_map`` (0/1 or class indices) and, for
    ``type_from='folder_class'``, ``folder_class``. Modified:
    ``gt_seg_map`` (0/1). Added: ``guide`` (int64 indices, one per
    attribute), ``guide_names``.

    Args:
        defect_types: the declared defect types (order = index).
        type_from: ``'folder_class'`` (e.g. ``MagneticTileSegDataset``) or
            ``'seg_label'`` (``gt_seg_map`` holds ``1 + index`` into
            ``defect_types``).
        brightness_edges: bin edges of the background mean (0-255).
        texture_edges: bin edges of the background high-pass std.

    Raises:
        InvalidDataError: (naming the mask or image file) an empty mask, or
            a defect type that is not one of ``defect_types``.
    """

    def __init__(self,
                 defect_types: Sequence[str],
                 type_from: str = 'folder_class',
                 brightness_edges: Sequence[float] = (75., 95.),
                 texture_edges: Sequence[float] = (5.5, 7.5)):
        if type_from not in ('folder_class', 'seg_label'):
            raise ValueError("type_from must be 'folder_class' or "
                             f"'seg_label', got {type_from!r}")
        self.defect_types = tuple(defect_types)
        self.type_from = type_from
        self.brightness_edges = tuple(float(e) for e in brightness_edges)
        self.texture_edges = tuple(float(e) for e in texture_edges)

    @property
    def dims(self) -> tuple:
        return guide_dims(self.defect_types, self.brightness_edges,
                          self.texture_edges)

    def transform(self, results: dict) -> dict:
        path = results.get('seg_map_path') or results.get('img_path', '?')
        seg = np.asarray(results['gt_seg_map'])
        mask = (seg > 0) & (seg != 255)
        if not mask.any():
            raise InvalidDataError(
                path, 'empty mask in a defect pair: a training pair needs '
                'at least one defect pixel (defect-free images are not '
                'GAN training pairs)')
        if self.type_from == 'folder_class':
            name = results.get('folder_class')
        else:
            labels, counts = np.unique(seg[mask], return_counts=True)
            label = int(labels[np.argmax(counts)]) - 1
            name = (
                self.defect_types[label] if 0 <= label < len(self.defect_types)
                else f'label {label + 1}')
        if name not in self.defect_types:
            raise InvalidDataError(
                path, f'defect type {name!r} is not one of the declared '
                f'guide values {list(self.defect_types)}')
        brightness, texture = measure_background(results['img'], mask)
        guide = [
            self.defect_types.index(name),
            int(
                np.searchsorted(
                    self.brightness_edges, brightness, side='right')),
            int(np.searchsorted(self.texture_edges, texture, side='right')),
        ]
        results['gt_seg_map'] = mask.astype(np.uint8)
        results['guide'] = np.asarray(guide, np.int64)
        results['guide_names'] = dict(
            defect_type=name,
            brightness=round(brightness, 2),
            texture=round(texture, 3))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(defect_types='
                f'{self.defect_types}, type_from={self.type_from!r}, '
                f'brightness_edges={self.brightness_edges}, '
                f'texture_edges={self.texture_edges})')


@TRANSFORMS.register_module()
class PackDefectPairInputs(BaseTransform):
    """Pack ``img``, ``gt_seg_map`` and ``guide`` for
    ``DefectPairDataPreprocessor``.

    Output: ``inputs=dict(img=uint8 (C, H, W), mask=uint8 (1, H, W),
    guide=int64 (A,))`` and ``data_samples=dict(img_path=...)``.

    Raises:
        InvalidDataError: image and mask of different sizes (naming the
            mask file), e.g. when only one of them was resized.
    """

    def transform(self, results: dict) -> dict:
        img = np.asarray(results['img'])
        if img.ndim == 2:
            img = img[..., None]
        mask = np.asarray(results['gt_seg_map'])
        if mask.shape[:2] != img.shape[:2]:
            raise InvalidDataError(
                results.get('seg_map_path') or results.get('img_path', '?'),
                f'mask size {mask.shape[1]}x{mask.shape[0]} differs from '
                f'image size {img.shape[1]}x{img.shape[0]}')
        guide = results.get('guide', np.zeros(0, np.int64))
        inputs = dict(
            img=torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))),
            mask=torch.from_numpy((mask > 0).astype(np.uint8))[None],
            guide=torch.as_tensor(guide, dtype=torch.int64))
        return dict(
            inputs=inputs,
            data_samples=dict(img_path=str(results.get('img_path', ''))))
