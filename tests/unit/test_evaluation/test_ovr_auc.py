"""One-vs-rest AUC against hand-computed cases."""
import math

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from defectzoo.evaluation.metrics import OneVsRestAUC
from defectzoo.evaluation.metrics.ovr_auc import binary_auc, ovr_auc


def test_binary_auc_by_hand():
    # positives 0.35, 0.8 vs negatives 0.1, 0.4: pairs won 1, 0, 1, 1
    assert binary_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    # a tie counts one half: pos {0.5, 0.9} vs neg {0.5, 0.2} -> 3.5 / 4
    assert binary_auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]) == 0.875
    assert binary_auc([0.9, 0.8, 0.1], [1, 1, 0]) == 1.0
    assert binary_auc([0.1, 0.2, 0.9], [1, 1, 0]) == 0.0
    assert math.isnan(binary_auc([0.1, 0.2], [1, 1]))


def test_ovr_auc_three_classes_by_hand():
    scores = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5],
                       [0.4, 0.5, 0.1], [0.1, 0.1, 0.8]])
    labels = [0, 1, 2, 0, 2]
    # class 0: pos {0.7, 0.4} vs neg {0.3, 0.2, 0.1} -> 6/6
    # class 1: pos {0.4} vs neg {0.2, 0.3, 0.5, 0.1} -> 3/4
    # class 2: pos {0.5, 0.8} vs neg {0.1, 0.3, 0.1} -> 6/6
    np.testing.assert_allclose(ovr_auc(scores, labels), [1.0, 0.75, 1.0])


def test_metric_macro_and_missing_class():
    metric = OneVsRestAUC(average=None)
    scores = torch.tensor([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5],
                           [0.4, 0.5, 0.1]])
    labels = [0, 1, 0, 1]  # class 2 never occurs: left out of the mean
    batch = [
        DataSample().set_pred_score(s).set_gt_label(label).to_dict()
        for s, label in zip(scores, labels)
    ]
    metric.process(None, batch)
    out = metric.evaluate(4)
    # class 0: pos {0.7, 0.2} vs neg {0.3, 0.4} -> 2/4;
    # class 1: pos {0.4, 0.5} vs neg {0.2, 0.3} -> 4/4
    assert out['ovr-auc/classwise'][:2] == pytest.approx([50.0, 100.0])
    assert out['ovr-auc/macro'] == pytest.approx(75.0)
    assert math.isnan(out['ovr-auc/classwise'][2])
