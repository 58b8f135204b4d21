"""defectzoo.models.data_preprocessors."""
from .gan_data_preprocessor import DefectPairDataPreprocessor

__all__ = ['DefectPairDataPreprocessor']
