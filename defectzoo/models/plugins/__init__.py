"""Plugins: layers switched on inside other modules by config."""
from .attention import SEAttention, SpatialAttention

__all__ = ['SEAttention', 'SpatialAttention']
