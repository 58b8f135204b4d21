"""defectzoo.models.losses."""
from .gram_style_loss import GramStyleLoss, gram_matrix
from .self_contrastive_loss import SelfContrastiveLoss, nt_xent

__all__ = ['GramStyleLoss', 'SelfContrastiveLoss', 'gram_matrix', 'nt_xent']
