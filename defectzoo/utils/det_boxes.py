"""Detection boxes ready for mmdet's ``DetLocalVisualizer``.

mmdet clips predicted boxes to the image, so a box touching the right or
bottom border ends at ``x2 == width`` / ``y2 == height``: a valid box
(coordinates are pixel edges), which mmengine's ``Visualizer`` takes as
"out of bounds" (it wants ``x < width``). Every overlay with such a box
printed "Warning: The bbox is out of bounds, the drawn bbox may not be in
the image" and the same for the polygon, once per drawn image (the once-
per-location filter of Python's ``warnings`` is reset whenever a filter
changes, which matplotlib and Pillow do around each image). The boxes are
clipped into the drawable area first; the drawing is the same. They are
handed over as NumPy arrays: with tensors, mmdet's label-size code calls
``np.clip`` on a tensor (a NumPy 2 ``DeprecationWarning``).
"""
from typing import Tuple

import numpy as np
import torch


def _clip(boxes, height: int, width: int) -> np.ndarray:
    """``boxes`` (``(N, 4)`` x1 y1 x2 y2: tensor, array or mmdet
    ``BaseBoxes``) as a float32 array with x in ``[0, width)`` and y in
    ``[0, height)``."""
    boxes = getattr(boxes, 'tensor', boxes)
    if torch.is_tensor(boxes):
        boxes = boxes.detach().cpu().numpy()
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    # the largest values below width / height (mmengine wants x < width)
    upper = np.nextafter(
        np.array([width, height, width, height], np.float32), np.float32(0))
    return np.clip(boxes, np.float32(0), upper)


def clip_boxes_for_drawing(sample, shape: Tuple[int, ...]):
    """A shallow copy of a ``DetDataSample`` whose ``gt_instances`` and
    ``pred_instances`` boxes (NumPy arrays) lie inside an image of
    ``shape`` (``(height, width, ...)``, the array drawn on); ``sample``
    is not changed."""
    height, width = int(shape[0]), int(shape[1])
    out = sample.clone()
    for key in ('gt_instances', 'pred_instances'):
        if key in out and 'bboxes' in out.get(key):
            instances = out.get(key).clone()
            instances.bboxes = _clip(instances.bboxes, height, width)
            setattr(out, key, instances)
    return out
