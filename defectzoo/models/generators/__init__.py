"""defectzoo.models.generators: conditional image generators."""
from .magna_defect_generator import MagnaDefectGenerator, encode_guide

__all__ = ['MagnaDefectGenerator', 'encode_guide']
