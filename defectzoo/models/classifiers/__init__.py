"""defectzoo.models.classifiers."""
from .scl_arcmargin import SCLArcMarginClassifier

__all__ = ['SCLArcMarginClassifier']
