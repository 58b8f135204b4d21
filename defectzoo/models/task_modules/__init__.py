"""defectzoo.models.task_modules: assigners and other head helpers."""
from .ignore_region_assigner import IgnoreRegionAssigner

__all__ = ['IgnoreRegionAssigner']
