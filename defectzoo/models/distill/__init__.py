"""Knowledge distillation: the student classifier with frozen teachers and
the temperature-softened KL loss."""
from .kd_classifier import KDImageClassifier
from .kd_loss import DistillKLDivLoss, soften

__all__ = ['DistillKLDivLoss', 'KDImageClassifier', 'soften']
