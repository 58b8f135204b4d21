"""Macro one-vs-rest ROC AUC for single-label classification.

mmpretrain has no AUC for single-label tasks; MVGG19's paper reports one
(Apostolopoulos & Tzani, Tables 1-2). For class c the positives are the
samples labelled c and the score is ``pred_score[c]``; the AUC is the
Mann-Whitney statistic ``P(s_pos > s_neg) + 0.5 P(s_pos = s_neg)``,
computed from average ranks (ties count one half), as
``sklearn.metrics.roc_auc_score(y, s, multi_class='ovr', average='macro')``.
"""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from defectzoo.registry import METRICS


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the mean of their ranks."""
    order = np.argsort(values, kind='mergesort')
    sorted_vals = values[order]
    ranks = np.empty(len(values), dtype=float)
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_vals[end + 1] == \
                sorted_vals[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def binary_auc(scores: Sequence[float], is_positive: Sequence[bool]) -> float:
    """ROC AUC of ``scores`` for the positives; NaN without both classes."""
    scores = np.asarray(scores, dtype=float)
    pos = np.asarray(is_positive, dtype=bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float('nan')
    rank_sum = _average_ranks(scores)[pos].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ovr_auc(scores: np.ndarray, labels: Sequence[int]) -> np.ndarray:
    """Per-class one-vs-rest AUC of an ``(N, C)`` score matrix (NaN for a
    class with no positive or no negative sample)."""
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels)
    return np.array([binary_auc(scores[:, c], labels == c)
                     for c in range(scores.shape[1])])


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
            print_log(f'OneVsRestAUC: classes {missing} have no positive or '
                      'no negative sample and are left out of the macro AUC.',
                      logger='current', level=30)
        macro = float(per_class[valid].mean() * 100) if valid.any() \
            else float('nan')
        out = dict(macro=macro)
        if self.average is None:
            out['classwise'] = (per_class * 100).tolist()
        return out
