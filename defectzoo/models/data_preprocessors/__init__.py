"""defectzoo.models.data_preprocessors."""
from .gan_data_preprocessor import DefectPairDataPreprocessor
from .multi_task import MultiTaskDataPreprocessor

__all__ = ['DefectPairDataPreprocessor', 'MultiTaskDataPreprocessor']
