"""Metrics."""
from .pretext_loss import PretextLossMetric

__all__ = ['PretextLossMetric']
# Issue 6: one-vs-rest AUC for the MVGG19 k-fold protocol.
from .ovr_auc import OneVsRestAUC  # noqa: E402

__all__ += ['OneVsRestAUC']
# Issue 4: X-ray transfer detection metric (VOC + COCO AP, critical recall).
from .xray_det import XRayDetMetric  # noqa: E402

__all__ += ['XRayDetMetric']
# SCL + ArcMargin: N-way K-shot episode accuracy on embeddings.
from .few_shot_metric import FewShotEpisodeMetric  # noqa: E402

__all__ += ['FewShotEpisodeMetric']
# tools/test.py --out preds.json: per-image predictions readable anywhere.
from .dump_predictions_json import DumpPredictionsJSON  # noqa: E402

__all__ += ['DumpPredictionsJSON']
# Magna-Defect-GAN: FID / KID / IS on a configurable feature network.
from .generative_quality import GenerativeQualityMetric  # noqa: E402

__all__ += ['GenerativeQualityMetric']
