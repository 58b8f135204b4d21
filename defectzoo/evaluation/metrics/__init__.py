"""defectzoo.evaluation.metrics."""
from .dump_predictions_json import DumpPredictionsJSON
from .few_shot_metric import FewShotEpisodeMetric
from .ovr_auc import OneVsRestAUC
from .pretext_loss import PretextLossMetric
from .xray_det import XRayDetMetric

__all__ = [
    'DumpPredictionsJSON', 'FewShotEpisodeMetric', 'OneVsRestAUC',
    'PretextLossMetric', 'XRayDetMetric'
]
