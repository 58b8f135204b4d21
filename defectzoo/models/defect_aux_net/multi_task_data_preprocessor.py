"""Batching for samples that carry an image label, a mask and boxes."""
from typing import Sequence

import torch.nn.functional as F
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.structures import DetDataSample
from mmengine.structures import PixelData

from defectzoo.registry import MODELS


@MODELS.register_module()
class MultiTaskDataPreprocessor(DetDataPreprocessor):
    """mmdet's ``DetDataPreprocessor`` for mmseg-style masks.

    Images are normalised, batched and padded by ``DetDataPreprocessor``
    (boxes and ``gt_label`` pass through). The masks that
    ``PackMultiTaskInputs`` packs the mmseg way (``gt_sem_seg.data``, the
    key mmseg heads and metrics read, where mmdet pads ``sem_seg``) are
    padded to the batch shape with ``seg_pad_value`` (ignored by the loss)
    during training. ``pad_seg`` defaults to True.
    """

    def __init__(self, *args, pad_seg: bool = True, **kwargs):
        super().__init__(*args, pad_seg=pad_seg, **kwargs)

    def pad_gt_sem_seg(self,
                       batch_data_samples: Sequence[DetDataSample]) -> None:
        """Pad ``gt_sem_seg.data`` to ``batch_input_shape``."""
        for sample in batch_data_samples:
            if 'gt_sem_seg' not in sample:
                continue
            seg = sample.gt_sem_seg.data
            h, w = seg.shape[-2:]
            pad_h, pad_w = sample.batch_input_shape
            seg = F.pad(
                seg,
                pad=(0, max(pad_w - w, 0), 0, max(pad_h - h, 0)),
                mode='constant',
                value=self.seg_pad_value)
            sample.gt_sem_seg = PixelData(data=seg)
