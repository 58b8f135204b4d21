"""Defect-Aux-Net (Sampath et al., IEEE TII 2023): the multi-task detector,
the SE / spatial attention plugins of its backbone and its data
preprocessor (image, mask and boxes of one sample)."""
from .attention_plugins import SEAttention, SpatialAttention
from .defect_aux_net import DefectAuxNet
from .multi_task_data_preprocessor import MultiTaskDataPreprocessor

__all__ = [
    'DefectAuxNet', 'MultiTaskDataPreprocessor', 'SEAttention',
    'SpatialAttention'
]
