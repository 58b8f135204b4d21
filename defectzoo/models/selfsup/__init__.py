"""Self-supervised algorithms (thin additions to mmpretrain's)."""
from .pretext_eval import PretextLossEvalMixin, SimMIMWithEval, SimSiamWithEval

__all__ = ['PretextLossEvalMixin', 'SimMIMWithEval', 'SimSiamWithEval']
