"""defectzoo.models.losses."""
from .kd_loss import DistillKLDivLoss, soften
from .self_contrastive_loss import SelfContrastiveLoss, nt_xent

__all__ = ['DistillKLDivLoss', 'SelfContrastiveLoss', 'nt_xent', 'soften']
