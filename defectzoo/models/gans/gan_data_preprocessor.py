"""Batches of (image, mask, guide) for mask-conditioned GANs."""
from typing import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from defectzoo.registry import MODELS


@MODELS.register_module()
class DefectPairDataPreprocessor(BaseDataPreprocessor):
    """Stack the packed ``inputs`` dicts of ``PackDefectPairInputs`` and
    scale images from 0-255 to [-1, 1] (masks stay {0, 1}, guides integer).

    Output ``inputs``: ``img`` ``(B, C, H, W)`` float, ``mask``
    ``(B, 1, H, W)`` float, ``guide`` ``(B, A)`` long (``A`` may be 0).
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, Sequence):  # pseudo_collate
            inputs = {
                k: torch.stack([i[k] for i in inputs])
                for k in inputs[0]
            }
        out = dict(
            img=inputs['img'].float() / 127.5 - 1,
            mask=inputs['mask'].float(),
            guide=inputs['guide'].long())
        return dict(inputs=out, data_samples=data.get('data_samples'))
