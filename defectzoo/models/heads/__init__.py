"""Heads."""
from .linear_act_norm_head import LinearActNormClsHead

__all__ = ['LinearActNormClsHead']
