"""One sample, three annotations: image label, semantic mask and boxes.

Defect data sets usually ship masks only (magnetic tile, Severstal, the
synthetic surface set). For a multi-task model (Defect-Aux-Net) the boxes
and the image label are derived from the mask's connected components:

- ``MaskToInstances`` turns a class-index mask (0 = background, ``k`` =
  defect class ``k - 1``) into one box per connected component of each
  class (mmdet's ``gt_bboxes`` / ``gt_bboxes_labels`` / ``gt_ignore_flags``
  and the raw ``instances`` that ``CocoMetric`` reads) and an image label
  ``gt_label`` = 1 (defective) when there is at least one box, else 0
  (defect-free);
- ``PackMultiTaskInputs`` is mmdet's ``PackDetInputs`` (``gt_instances``)
  that also packs the mask the way mmseg does (``gt_sem_seg.data``, read by
  mmseg heads, ``IoUMetric`` and ``SegLocalVisualizer``) and the image
  label the way mmpretrain does (``gt_label``, read by mmpretrain heads and
  ``Accuracy``) into one ``DetDataSample``.

The pipeline between them is mmdet's (``Resize``, ``RandomFlip`` move the
image, the boxes and ``gt_seg_map`` together).
"""
from typing import List, Tuple

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import PackDetInputs
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.structures import PixelData

from defectzoo.registry import TRANSFORMS
from ...utils.data.validation import InvalidDataError, check_mask_shape
from ..magnetic_tile import mask_to_boxes


def mask_to_instances(
        mask: np.ndarray,
        num_classes: int,
        min_area: int = 1,
        connectivity: int = 8,
        ignore_index: int = 255) -> Tuple[np.ndarray, np.ndarray]:
    """Boxes and labels of the connected components of a class-index mask.

    Each defect class ``k`` in ``1 .. num_classes - 1`` is labelled
    separately, so touching blobs of *different* classes give separate
    boxes, touching blobs of the same class one box. ``ignore_index``
    pixels are neither background nor defect.

    Returns:
        ``(boxes (n, 4) float32 x1, y1, x2, y2 with x2 = last column + 1,
        labels (n,) int64 = k - 1)``, by class then component order.
    """
    boxes: List[np.ndarray] = []
    labels: List[np.ndarray] = []
    for k in range(1, num_classes):
        fg = mask == k
        if not fg.any():
            continue
        b = mask_to_boxes(fg, 1, min_area, connectivity)
        boxes.append(b)
        labels.append(np.full(len(b), k - 1, np.int64))
    if not boxes:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.int64)
    return np.concatenate(boxes), np.concatenate(labels)


@TRANSFORMS.register_module()
class MaskToInstances(BaseTransform):
    """Derive boxes and the image label from ``gt_seg_map``.

    Required keys: ``gt_seg_map`` (class-index mask at the original image
    size, e.g. from ``LoadDefectMask``), ``ori_shape``. Added keys:
    ``gt_bboxes`` (``HorizontalBoxes``), ``gt_bboxes_labels``,
    ``gt_ignore_flags``, ``instances`` (mmdet's raw format, for
    ``CocoMetric``) and ``gt_label`` (0 defect-free, 1 defective).

    Args:
        num_classes: segmentation classes including background; mask values
            must be in ``0 .. num_classes - 1`` or ``ignore_index``.
        min_area: components of fewer pixels give no box. Defaults to 1
            (a one-pixel defect is a defect).
        connectivity: 8 (a diagonal one-pixel crack is one component) or 4.
        ignore_index: mask value that is neither class. Defaults to 255.

    Raises:
        InvalidDataError: naming the mask file, for a mask whose size
            differs from the image or a value that is not a known class.
    """

    def __init__(self,
                 num_classes: int,
                 min_area: int = 1,
                 connectivity: int = 8,
                 ignore_index: int = 255):
        if num_classes < 2:
            raise ValueError('num_classes counts the background: at least 2')
        if connectivity not in (4, 8):
            raise ValueError(f'connectivity must be 4 or 8, got '
                             f'{connectivity}')
        self.num_classes = num_classes
        self.min_area = min_area
        self.connectivity = connectivity
        self.ignore_index = ignore_index

    def transform(self, results: dict) -> dict:
        mask = results['gt_seg_map']
        source = results.get('seg_map_path') or results.get('img_path', '?')
        if 'ori_shape' in results:
            check_mask_shape(mask, results['ori_shape'], source)
        values = np.unique(mask)
        unknown = [
            int(v) for v in values
            if v >= self.num_classes and v != self.ignore_index
        ]
        if unknown:
            raise InvalidDataError(
                source, f'unknown mask value(s) {unknown[:10]}: known classes '
                f'are 0..{self.num_classes - 1} (0 = background) and '
                f'{self.ignore_index} (ignored); binarise 0/255 masks with '
                'LoadDefectMask(threshold=128) or set num_classes')
        boxes, labels = mask_to_instances(mask, self.num_classes,
                                          self.min_area, self.connectivity,
                                          self.ignore_index)
        results['gt_bboxes'] = HorizontalBoxes(boxes)
        results['gt_bboxes_labels'] = labels
        results['gt_ignore_flags'] = np.zeros(len(boxes), bool)
        results['instances'] = [
            dict(bbox=b, bbox_label=int(lb), ignore_flag=0)
            for b, lb in zip(boxes.tolist(), labels)
        ]
        results['gt_label'] = int(len(boxes) > 0)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_classes={self.num_classes}, '
                f'min_area={self.min_area}, '
                f'connectivity={self.connectivity}, '
                f'ignore_index={self.ignore_index})')


@TRANSFORMS.register_module()
class PackMultiTaskInputs(PackDetInputs):
    """``PackDetInputs`` + the mask as mmseg packs it + the image label.

    The ``DetDataSample`` gets ``gt_instances`` (mmdet), ``gt_sem_seg``
    (``PixelData(data=...)``, as mmseg's ``PackSegInputs``) and
    ``gt_label`` (a ``(1,)`` long tensor, as mmpretrain's ``PackInputs``).
    A sample without ``img_id`` gets its dataset index (``sample_idx``),
    which ``CocoMetric`` needs.

    Args:
        meta_keys: ``PackDetInputs``' plus ``instances`` (the raw boxes at
            the original size, for ``CocoMetric`` without an annotation
            file).
    """

    def __init__(self,
                 meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                            'scale_factor', 'flip', 'flip_direction',
                            'instances')):
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        if 'img_id' not in results and 'sample_idx' in results:
            results['img_id'] = results['sample_idx']
        packed = super().transform(results)
        sample = packed['data_samples']
        if 'gt_seg_map' in results:
            seg = torch.from_numpy(
                np.ascontiguousarray(results['gt_seg_map'][None]).astype(
                    np.int64))
            sample.gt_sem_seg = PixelData(data=seg)
        if 'gt_label' in results:
            sample.gt_label = torch.as_tensor(
                np.asarray(results['gt_label']).reshape(-1), dtype=torch.long)
        return packed
