"""Necks."""
from .multipath import MultiPathNeck

__all__ = ['MultiPathNeck']
