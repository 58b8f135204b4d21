"""Image classification read off a per-pixel defect map that is trained
with the defect masks -- segmentation-based defect classification
(Tabernik et al., "Segmentation-based deep-learning approach for
surface-defect detection", J. Intell. Manuf. 2020: a segmentation network,
then a decision on its output).

The head fuses the backbone levels at the finest one's stride into
per-pixel logits ``z`` over the classes, the defect-free class standing
for the background ``b``. A defect class's image logit is the mean of its
``k`` highest pixel log-odds against the background; the defect-free
logit is a constant ``tau`` (0 in training, a decision bias at test)::

    s_c = mean(top-k_p [z_c(p) - z_b(p)])   (c != b),   s_b = tau

so one small blowhole (a few pixels of the map) decides the image, and
a defect-free tile must have no pixel that looks like a defect.

Loss: the image loss (mmpretrain's, e.g. cross-entropy) of ``s`` plus
``seg_weight`` x the per-pixel cross-entropy of ``z`` with the mask: a map
cell holding any mask pixel is the image's class, the others background; a
defect image whose mask is empty only counts through its image label.
"""
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmpretrain.models.heads import ClsHead
from mmpretrain.structures import DataSample

from defectzoo.registry import MODELS


@MODELS.register_module()
class DefectMapClsHead(ClsHead):
    """Per-pixel defect map -> image class (see the module docstring).

    Input: the backbone's multi-scale maps (``out_indices`` of several
    stages, finest first). Training samples carry ``gt_seg_map`` (H, W)
    0/1 at the input size (``LoadDefectMask`` + ``PackInputs(
    algorithm_keys=('gt_seg_map', ))``); inference needs the image only.

    Args:
        num_classes: image classes, the defect-free one included.
        in_channels: channels of each input level.
        background_index: the defect-free class.
        feat_channels: width of the fused map. Defaults to 64.
        topk: map cells averaged per class (``k``). Defaults to 4.
        seg_weight: weight of the per-pixel loss. Defaults to 1.0.
        background_logit: ``tau``, the defect-free logit at inference (how
            sure of a defect a cell must be to flag the image; choose it on
            validation data). Training always uses 0. Defaults to 0.
        norm_cfg, act_cfg: of the fusion convs.
        loss: the image loss. Defaults to mmpretrain's cross-entropy.
        **kwargs: :class:`mmpretrain.models.ClsHead` arguments
            (``init_cfg``).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: Sequence[int],
                 background_index: int,
                 feat_channels: int = 64,
                 topk: int = 4,
                 seg_weight: float = 1.0,
                 background_logit: float = 0.0,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='SiLU'),
                 loss: dict = dict(
                     type='mmpretrain.CrossEntropyLoss', loss_weight=1.0),
                 **kwargs):
        if not 0 <= background_index < num_classes:
            raise ValueError(f'background_index {background_index} is not '
                             f'one of the {num_classes} classes')
        super().__init__(loss=loss, **kwargs)
        self.num_classes = num_classes
        self.background_index = background_index
        self.k = topk
        self.seg_weight = seg_weight
        self.background_logit = background_logit
        self.laterals = nn.ModuleList(
            ConvModule(
                c, feat_channels, 1, norm_cfg=norm_cfg, act_cfg=act_cfg)
            for c in in_channels)
        self.fuse = ConvModule(
            feat_channels,
            feat_channels,
            3,
            padding=1,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.classifier = nn.Conv2d(feat_channels, num_classes, 1)

    def fused(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Levels brought to the finest one's size and summed, then a 3x3
        conv."""
        size = feats[0].shape[-2:]
        x = sum(
            F.interpolate(
                lat(f), size=size, mode='bilinear', align_corners=False) if f.
            shape[-2:] != size else lat(f)
            for lat, f in zip(self.laterals, feats))
        return self.fuse(x)

    def pre_logits(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """(N, feat_channels): the fused map, averaged."""
        return self.fused(feats).mean(dim=(2, 3))

    def pixel_logits(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """(N, num_classes, h, w) logits ``z`` at the finest level."""
        return self.classifier(self.fused(feats))

    def image_logits(self, z: torch.Tensor, tau: float = 0.0) -> torch.Tensor:
        """(N, num_classes) ``s``: top-k mean log-odds, background
        ``tau``."""
        b = self.background_index
        odds = (z - z[:, b:b + 1]).flatten(2)
        k = min(self.k, odds.shape[-1])
        s = odds.topk(k, dim=-1).values.mean(-1)
        s[:, b] = tau
        return s

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Image logits for prediction (``tau = background_logit``)."""
        return self.image_logits(
            self.pixel_logits(feats), self.background_logit)

    def pixel_targets(self, data_samples: List[DataSample],
                      size: Tuple[int, int]) -> torch.Tensor:
        """(N, h, w) long: the image's class where the mask reaches a map
        cell (max-pooled, so a 3-pixel blowhole keeps its cell), else
        background; all ignored (-100) for a defect image without mask
        pixels."""
        if any('gt_seg_map' not in s for s in data_samples):
            raise KeyError('DefectMapClsHead trains on masks: load them '
                           "(LoadDefectMask) and pack 'gt_seg_map' "
                           "(PackInputs(algorithm_keys=('gt_seg_map',)))")
        masks = torch.stack([
            torch.as_tensor(np.asarray(s.gt_seg_map) > 0) for s in data_samples
        ])
        cells = F.adaptive_max_pool2d(masks[:, None].float(), size)[:, 0] > 0
        labels = torch.as_tensor([int(s.gt_label) for s in data_samples])
        defect = labels != self.background_index
        target = torch.full((len(labels), *size),
                            self.background_index,
                            dtype=torch.long)
        target = torch.where(cells & defect[:, None, None],
                             labels[:, None, None], target)
        unmasked = defect & ~cells.flatten(1).any(1)
        target[unmasked] = -100
        return target

    def loss(self, feats: Tuple[torch.Tensor, ...],
             data_samples: List[DataSample], **kwargs) -> dict:
        z = self.pixel_logits(feats)
        losses = self._get_loss(self.image_logits(z), data_samples, **kwargs)
        target = self.pixel_targets(data_samples, z.shape[-2:]).to(z.device)
        if (target >= 0).any():
            losses['loss_seg'] = self.seg_weight * F.cross_entropy(
                z, target, ignore_index=-100)
        else:
            losses['loss_seg'] = z.sum() * 0
        return losses
