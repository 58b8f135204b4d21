"""defectzoo.evaluation.metrics."""
from .defect_iou import DefectIoUMetric
from .dump_predictions_json import DumpPredictionsJSON
from .few_shot_metric import FewShotEpisodeMetric
from .generative_quality import GenerativeQualityMetric
from .multi_task import MultiTaskMetric
from .ovr_auc import OneVsRestAUC
from .pretext_loss import PretextLossMetric
from .xray_det import XRayDetMetric

__all__ = [
    'DefectIoUMetric', 'DumpPredictionsJSON', 'FewShotEpisodeMetric',
    'GenerativeQualityMetric', 'MultiTaskMetric', 'OneVsRestAUC',
    'PretextLossMetric', 'XRayDetMetric'
]
