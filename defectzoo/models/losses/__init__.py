"""defectzoo.models.losses."""
from .self_contrastive_loss import SelfContrastiveLoss, nt_xent

__all__ = ['SelfContrastiveLoss', 'nt_xent']
