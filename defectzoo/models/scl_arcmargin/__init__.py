"""SCL + ArcMargin few-shot classification: the classifier (backbone,
projection MLP, reference gallery) and its self-contrastive loss."""
from .scl_arcmargin import SCLArcMarginClassifier
from .self_contrastive_loss import SelfContrastiveLoss, nt_xent

__all__ = ['SCLArcMarginClassifier', 'SelfContrastiveLoss', 'nt_xent']
