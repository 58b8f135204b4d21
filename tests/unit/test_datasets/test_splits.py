"""Seeded stratified splits and k-per-class selection (pure functions)."""
import random
from collections import Counter

import pytest

from defectzoo.utils.data.splits import (k_per_class, natural_key,
                                         read_id_list, select_split,
                                         stratified_split, write_split_files)
from defectzoo.utils.data.validation import InvalidDataError


def _data():
    # 3 classes of 10, 7 and 3 samples
    ids, labels = [], []
    for name, n in (('a', 10), ('b', 7), ('c', 3)):
        ids += [f'{name}_{i}' for i in range(1, n + 1)]
        labels += [name] * n
    return ids, labels


def test_natural_order():
    assert sorted(['c_10', 'c_2', 'c_1'],
                  key=natural_key) == ['c_1', 'c_2', 'c_10']


def test_stratified_counts_cover_and_disjoint():
    ids, labels = _data()
    splits = stratified_split(ids, labels, (0.7, 0.1, 0.2), seed=0)
    label = dict(zip(ids, labels))
    counts = {k: Counter(label[i] for i in v) for k, v in splits.items()}
    # largest remainder: 10 -> 7/1/2, 7 -> 5/1/1 (4.9, .7, 1.4), 3 -> 2/0/1
    assert counts['train'] == {'a': 7, 'b': 5, 'c': 2}
    assert counts['val'] == {'a': 1, 'b': 1}
    assert counts['test'] == {'a': 2, 'b': 1, 'c': 1}
    everything = splits['train'] + splits['val'] + splits['test']
    assert sorted(everything) == sorted(ids)
    assert all(v == sorted(v, key=natural_key) for v in splits.values())


def test_stratified_deterministic_and_order_invariant():
    ids, labels = _data()
    first = stratified_split(ids, labels, seed=1)
    pairs = list(zip(ids, labels))
    random.Random(0).shuffle(pairs)
    again = stratified_split([p[0] for p in pairs], [p[1] for p in pairs],
                             seed=1)
    assert first == again
    assert stratified_split(ids, labels, seed=2) != first
    # a class's split does not depend on the other classes
    only_a = stratified_split(ids[:10], labels[:10], seed=1)
    assert only_a['test'] == [i for i in first['test'] if i.startswith('a')]


def test_ratios_names_and_errors():
    ids, labels = _data()
    two = stratified_split(ids, labels, (3, 1), names=('train', 'val'))
    assert len(two['train']) + len(two['val']) == 20
    assert len(two["val"]) == 5  # a 2.5 -> 2, b 1.75 -> 2, c .75 -> 1
    assert select_split(ids, labels, None) == sorted(ids, key=natural_key)
    assert select_split(ids, labels, 'val') == stratified_split(ids,
                                                                labels)['val']
    with pytest.raises(ValueError, match='split must be one of'):
        select_split(ids, labels, 'valid')
    with pytest.raises(ValueError, match='ratios'):
        stratified_split(ids, labels, (0.5, 0.5))
    with pytest.raises(ValueError, match='duplicate ids'):
        stratified_split(['x', 'x'], ['a', 'a'])


def test_k_per_class():
    labels = [0] * 10 + [1] * 7 + [2] * 3
    chosen = k_per_class(labels, k=5, seed=0)
    assert Counter(labels[i] for i in chosen) == {0: 5, 1: 5, 2: 3}
    assert chosen == sorted(chosen) and len(set(chosen)) == 13
    assert k_per_class(labels, 5, seed=0) == chosen
    assert k_per_class(labels, 5, seed=1) != chosen
    # nested: the k=2 images are among the k=5 ones
    assert set(k_per_class(labels, 2, seed=0)) <= set(chosen)
    with pytest.raises(ValueError):
        k_per_class(labels, 0)


def test_split_files(tmp_path):
    paths = write_split_files({
        'train': ['a_1', 'a_2'],
        'val': ['b_1']
    }, str(tmp_path))
    assert read_id_list(paths['train']) == ['a_1', 'a_2']
    (tmp_path / 'empty.txt').write_text('\n# nothing\n')
    with pytest.raises(InvalidDataError, match='empty split file'):
        read_id_list(str(tmp_path / 'empty.txt'))
    with pytest.raises(InvalidDataError, match='missing split file'):
        read_id_list(str(tmp_path / 'nope.txt'))
