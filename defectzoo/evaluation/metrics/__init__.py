"""Metrics."""
from .pretext_loss import PretextLossMetric

__all__ = ['PretextLossMetric']
