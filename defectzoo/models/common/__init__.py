"""Registered parts that are no one algorithm's: they plug into stock
mmpretrain / mmdet / mmengine models from any config -- the defect-map
classification head (mask-supervised classifiers), the ignore-region
assigner (dense detectors on superimposed X-ray defects), a held-out
pretext loss for mmpretrain's SimMIM / SimSiam, and DDP on CPU-only
machines."""
from .cpu_ddp import CPUDistributedDataParallel
from .defect_map_cls_head import DefectMapClsHead
from .ignore_region_assigner import IgnoreRegionAssigner
from .pretext_eval import PretextLossEvalMixin, SimMIMWithEval, SimSiamWithEval

__all__ = [
    'CPUDistributedDataParallel', 'DefectMapClsHead', 'IgnoreRegionAssigner',
    'PretextLossEvalMixin', 'SimMIMWithEval', 'SimSiamWithEval'
]
