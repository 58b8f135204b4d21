"""Macro one-vs-rest ROC AUC for single-label classification.

mmpretrain has no AUC for single-label tasks; MVGG19's paper reports one
(Apostolopoulos & Tzani, Tables 1-2). For class c the positives are the
samples labelled c and the score is ``pred_score[c]``; each class's AUC is
:func:`sklearn.metrics.roc_auc_score`, and the macro mean leaves out a
class without positives or negatives in the evaluated set (where sklearn's
``multi_class='ovr'`` would raise).
"""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from defectzoo.registry import METRICS


def binary_auc(scores: Sequence[float], is_positive: Sequence[bool]) -> float:
    """ROC AUC of ``scores`` for the positives
    (:func:`sklearn.metrics.roc_auc_score`); NaN without both classes."""
    from sklearn.metrics import roc_auc_score
    pos = np.asarray(is_positive, dtype=bool)
    if pos.all() or not pos.any():
        return float('nan')
    return float(roc_auc_score(pos, np.asarray(scores, dtype=float)))


def ovr_auc(scores: np.ndarray, labels: Sequence[int]) -> np.ndarray:
    """Per-class one-vs-rest AUC of an ``(N, C)`` score matrix (NaN for a
    class with no positive or no negative sample)."""
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels)
    return np.array([
        binary_auc(scores[:, c], labels == c) for c in range(scores.shape[1])
    ])


@METRICS.register_module()
class OneVsRestAUC(BaseMetric):
    """Macro (unweighted mean over classes) one-vs-rest ROC AUC, in percent.

    Reads ``pred_score`` and ``gt_label`` of mmpretrain ``DataSample``s.
    Classes without both positives and negatives in the evaluated set are
    left out of the mean (with a warning).

    Args:
        average: ``'macro'`` -> ``{'macro': x}``; None -> per-class values
            as well (``{'macro': x, 'classwise': [...]}``).
        collect_device, prefix: see :class:`mmengine.evaluator.BaseMetric`.
            The default prefix is ``'ovr-auc'`` (key ``ovr-auc/macro``).
    """
    default_prefix = 'ovr-auc'

    def __init__(self,
                 average: Optional[str] = 'macro',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if average not in ('macro', None):
            raise ValueError(f"average must be 'macro' or None, got "
                             f'{average!r}')
        self.average = average

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                (np.asarray(sample['pred_score'].cpu(), dtype=float),
                 int(sample['gt_label'].reshape(-1)[0])))

    def compute_metrics(self, results: List) -> dict:
        scores = np.stack([r[0] for r in results])
        labels = np.array([r[1] for r in results])
        per_class = ovr_auc(scores, labels)
        valid = ~np.isnan(per_class)
        if not valid.all():
            missing = np.flatnonzero(~valid).tolist()
            print_log(
                f'OneVsRestAUC: classes {missing} have no positive or '
                'no negative sample and are left out of the macro AUC.',
                logger='current',
                level=30)
        macro = float(per_class[valid].mean() * 100) if valid.any() \
            else float('nan')
        out = dict(macro=macro)
        if self.average is None:
            out['classwise'] = (per_class * 100).tolist()
        return out
