"""Detectors and multi-task models."""
from .defect_aux_net import DefectAuxNet

__all__ = ['DefectAuxNet']
