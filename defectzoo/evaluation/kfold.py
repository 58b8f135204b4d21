"""Stratified k-fold cross-validation: folds, per-fold datasets, evaluator.

The protocol of MVGG19 (Apostolopoulos & Tzani, arXiv 2011.11305): "10
fold cross-validation [...] ten independent training-testing phases took
place. For each phase, a different part of the dataset was selected to
serve as a test (i.e., hidden) set, while the rest of the dataset was
utilized for training. [...] the performance metrics correspond to the
mean of the metrics recorded during each phase."

Folds come from :func:`defectzoo.utils.data.splits.stratified_kfold`
(sklearn's ``StratifiedKFold``, shuffled and seeded); a fold's train and
test sets are index subsets (mmengine ``BaseDataset(indices=...)``) of the
config's train dataset. ``tools/analysis_tools/kfold.py`` runs the folds
with the repeated-run protocol (:mod:`defectzoo.evaluation.repeated_runs`).
"""
import copy
from typing import List, Optional, Sequence

import numpy as np

from .repeated_runs import Run

#: summary column -> key of the fold evaluator's results.
METRIC_KEYS = {
    'accuracy': 'accuracy/top1',
    'precision': 'single-label/precision',
    'recall': 'single-label/recall',
    'f1': 'single-label/f1-score',
    'auc': 'ovr-auc/macro',
}
CONFUSION_KEY = 'confusion_matrix/result'


def fold_runs(num_folds: int) -> List[Run]:
    """The folds as runs of the repeated-run protocol (``--fold i``)."""
    return [
        Run(dict(fold=str(f)), ['--fold', str(f)]) for f in range(num_folds)
    ]


def train_indices(folds: List[List[int]], fold: int) -> List[int]:
    """All indices outside test fold ``fold``."""
    return sorted(i for f, idx in enumerate(folds) if f != fold for i in idx)


def fold_dataset_cfgs(dataset_cfg: dict, test_pipeline: list,
                      train_idx: Sequence[int],
                      test_idx: Sequence[int]) -> tuple:
    """Train / test dataset configs of one fold from the train dataset."""
    if 'pipeline' not in dataset_cfg:
        raise ValueError(
            'k-fold needs the train dataset itself (with a `pipeline`), not '
            f'a dataset wrapper ({dataset_cfg.get("type")}); unwrap it.')
    train = copy.deepcopy(dataset_cfg)
    train['indices'] = list(map(int, train_idx))
    test = copy.deepcopy(dataset_cfg)
    test.update(
        pipeline=copy.deepcopy(test_pipeline),
        indices=list(map(int, test_idx)))
    return train, test


def kfold_evaluator(num_classes: int) -> list:
    """Accuracy, macro P / R / F1, macro OvR AUC and the confusion matrix."""
    return [
        dict(type='mmpretrain.Accuracy', topk=(1, )),
        dict(type='mmpretrain.SingleLabelMetric', average='macro'),
        dict(type='OneVsRestAUC'),
        dict(type='mmpretrain.ConfusionMatrix', num_classes=num_classes),
    ]


def plot_confusion(matrix,
                   classes: Optional[Sequence[str]],
                   path: str,
                   title: str = '') -> None:
    """Save a confusion matrix (rows: true class) as PNG with mmpretrain's
    plotting and a non-interactive backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import torch
    from mmpretrain.evaluation import ConfusionMatrix
    fig = ConfusionMatrix.plot(
        torch.as_tensor(np.asarray(matrix)),
        include_values=True,
        classes=list(classes) if classes else None,
        show=False)
    if title:
        fig.axes[0].set_title(title)
    fig.savefig(path, bbox_inches='tight', dpi=100)
    plt.close(fig)
