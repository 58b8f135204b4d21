"""defectzoo.models.losses."""
from .gram_style_loss import GramStyleLoss, gram_matrix
from .kd_loss import DistillKLDivLoss, soften
from .self_contrastive_loss import SelfContrastiveLoss, nt_xent

__all__ = [
    'DistillKLDivLoss', 'GramStyleLoss', 'SelfContrastiveLoss', 'gram_matrix',
    'nt_xent', 'soften'
]
