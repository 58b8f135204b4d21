"""Mean held-out pretext loss of a self-supervised model."""
from typing import Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from defectzoo.registry import METRICS


@METRICS.register_module()
class PretextLossMetric(BaseMetric):
    """Averages ``pretext_loss`` set by :class:`PretextLossEvalMixin`.

    Each sample carries its batch's mean loss, so the sample mean is the
    batch-size-weighted mean over the split.
    """
    default_prefix = 'selfsup'

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            loss = sample.get('pretext_loss') if isinstance(sample, dict) \
                else sample.pretext_loss
            self.results.append(float(loss))

    def compute_metrics(self, results: list) -> dict:
        return dict(pretext_loss=float(np.mean(results)))
