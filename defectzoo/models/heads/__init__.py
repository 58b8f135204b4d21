"""Heads."""
from .defect_map_cls_head import DefectMapClsHead
from .linear_act_norm_head import LinearActNormClsHead

__all__ = ['DefectMapClsHead', 'LinearActNormClsHead']
