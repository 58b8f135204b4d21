"""Backbones."""
from .mvgg19 import MVGG19

__all__ = ['MVGG19']
