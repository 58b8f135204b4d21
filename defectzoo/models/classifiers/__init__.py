"""defectzoo.models.classifiers."""
from .kd_classifier import KDImageClassifier
from .scl_arcmargin import SCLArcMarginClassifier

__all__ = ['KDImageClassifier', 'SCLArcMarginClassifier']
