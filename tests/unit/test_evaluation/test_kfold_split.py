"""Stratified, seeded, disjoint folds and the fold summary."""
import math
from collections import Counter

import numpy as np
import pytest

from defectzoo.evaluation.kfold import (METRIC_KEYS, fold_dataset_cfgs,
                                        fold_runs, train_indices)
from defectzoo.evaluation.repeated_runs import format_table, summarize
from defectzoo.utils.data.splits import stratified_kfold

# magnetic-tile-like imbalance: 952 Free, 32 Fray
LABELS = [0] * 115 + [1] * 85 + [2] * 57 + [3] * 32 + [4] * 952 + [5] * 103


def test_folds_are_disjoint_and_cover_everything():
    folds = stratified_kfold(LABELS, 10, seed=0)
    flat = [i for f in folds for i in f]
    assert sorted(flat) == list(range(len(LABELS)))
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    for k in range(10):
        train = train_indices(folds, k)
        assert not set(train) & set(folds[k])
        assert len(train) + len(folds[k]) == len(LABELS)


def test_folds_are_stratified():
    labels = np.array(LABELS)
    folds = stratified_kfold(LABELS, 10, seed=0)
    totals = Counter(LABELS)
    for fold in folds:
        counts = Counter(labels[fold].tolist())
        for c, n in totals.items():
            assert abs(counts[c] - n / 10) < 1, (c, counts[c])


def test_folds_are_seeded():
    a = stratified_kfold(LABELS, 5, seed=0)
    assert a == stratified_kfold(LABELS, 5, seed=0)
    assert a != stratified_kfold(LABELS, 5, seed=1)
    # the labels' order, not the sample contents, decides: same for a copy
    assert a == stratified_kfold(list(LABELS), 5, seed=0)


def test_bad_fold_counts():
    with pytest.raises(ValueError):
        stratified_kfold([0, 1], 1)
    with pytest.raises(ValueError):
        stratified_kfold([0, 1], 3)


def test_fold_datasets_are_index_subsets():
    ds = dict(
        type='mmpretrain.CustomDataset',
        data_root='x',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='Aug')])
    test_pipe = [dict(type='LoadImageFromFile')]
    train, test = fold_dataset_cfgs(ds, test_pipe, [0, 2], [1])
    assert train['indices'] == [0, 2] and test['indices'] == [1]
    assert train['pipeline'] == ds['pipeline'] and test['pipeline'] == \
        test_pipe
    assert 'indices' not in ds
    with pytest.raises(ValueError, match='wrapper'):
        fold_dataset_cfgs(
            dict(type='RepeatDataset', dataset=ds), test_pipe, [0], [1])


def test_summary_mean_std_and_failed_fold():

    def res(acc):
        return dict(
            metrics={
                'accuracy/top1': acc,
                'single-label/precision': 50.0,
                'single-label/recall': 40.0,
                'single-label/f1-score': 30.0,
                'ovr-auc/macro': 90.0
            })

    runs = fold_runs(3)
    assert [r.name for r in runs] == ['fold0', 'fold1', 'fold2']
    assert runs[1].args == ['--fold', '1']
    rows = summarize(runs, {
        'fold0': res(80.0),
        'fold2': res(90.0)
    }, METRIC_KEYS)
    assert [r['status'] for r in rows[:3]] == ['ok', 'failed', 'ok']
    mean, std = rows[3], rows[4]
    assert (mean['fold'], std['fold']) == ('mean', 'std')
    assert mean['accuracy'] == 85.0 and mean['auc'] == 90.0
    assert std['accuracy'] == pytest.approx(math.sqrt(50.0))
    assert mean['status'] == '2/3 runs'
    table = format_table(rows, ['fold'], list(METRIC_KEYS))
    assert 'failed' in table and '85.00 ± 7.07' in table
    assert table.splitlines()[-1].startswith('mean±std')
