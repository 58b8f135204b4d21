"""MVGG19 (Apostolopoulos & Tzani, arXiv 2011.11305): the multipath VGG19
backbone, its neck (BD paths, GAP, concatenation) and its
Linear -> act -> norm classifier head."""
from .linear_act_norm_head import LinearActNormClsHead
from .multipath_neck import MultiPathNeck
from .mvgg19 import MVGG19

__all__ = ['LinearActNormClsHead', 'MVGG19', 'MultiPathNeck']
