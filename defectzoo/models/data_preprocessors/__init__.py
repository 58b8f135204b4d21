"""Data preprocessors."""
from .multi_task import MultiTaskDataPreprocessor

__all__ = ['MultiTaskDataPreprocessor']
