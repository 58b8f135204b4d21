"""Every split and per-class draw in defectzoo: seeded, stratified.

- :func:`stratified_kfold`: k-fold cross-validation folds
  (:class:`sklearn.model_selection.StratifiedKFold`, shuffled, seeded);
- :func:`stratified_holdout`: a train / test split
  (:func:`sklearn.model_selection.train_test_split` with ``stratify``);
- :func:`stratified_split`: named train / val / test id lists for the
  datasets' ``split=`` option and the split tools;
- :func:`k_per_class`: ``k`` samples of each class (small-data subsets,
  reference galleries).

:func:`stratified_split` and :func:`k_per_class` are pure functions of
``(ids, labels, seed)`` that sklearn's splitters do not give: the order the
files are listed in does not matter (ids are sorted naturally first), and
each class draws from its own random stream, so adding a class or changing
``k`` does not reshuffle the others and the ``k=10`` subset lies inside the
``k=20`` one. The same functions back the split tools in
``tools/dataset_converters/`` and the datasets' ``split=`` option, so a
split file written by a tool and a split made on the fly are identical.
"""
import os
import os.path as osp
import re
import zlib
from collections import defaultdict
from typing import Dict, Hashable, List, Optional, Sequence, Tuple

import numpy as np

from .validation import InvalidDataError

#: Default split names and ratios (train / val / test).
SPLIT_NAMES = ('train', 'val', 'test')
DEFAULT_RATIOS = (0.7, 0.1, 0.2)


def natural_key(text: str) -> list:
    """Sort key putting ``crazing_2`` before ``crazing_10``."""
    return [
        int(t) if t.isdigit() else t for t in re.split(r'(\d+)', str(text))
    ]


def _class_rng(seed: int, label: Hashable) -> np.random.Generator:
    """A random stream per class from ``seed`` and a stable hash of the
    label (not Python's salted ``hash``)."""
    return np.random.default_rng(
        [int(seed), zlib.crc32(repr(label).encode('utf-8'))])


def _group(ids: Sequence[str], labels: Sequence[Hashable]) -> Dict:
    if len(ids) != len(labels):
        raise ValueError(f'{len(ids)} ids but {len(labels)} labels')
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if list(ids).count(i) > 1})[:5]
        raise ValueError(f'duplicate ids, e.g. {dup}')
    groups = defaultdict(list)
    for sample_id, label in zip(ids, labels):
        groups[label].append(sample_id)
    for members in groups.values():
        members.sort(key=natural_key)
    return groups


def _split_counts(n: int, ratios: Sequence[float]) -> List[int]:
    """Largest-remainder rounding of ``n * ratios`` (sums to ``n``)."""
    ratios = np.asarray(ratios, dtype=float) / float(sum(ratios))
    exact = n * ratios
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind='stable')
    for i in order[:n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def stratified_split(
        ids: Sequence[str],
        labels: Sequence[Hashable],
        ratios: Sequence[float] = DEFAULT_RATIOS,
        seed: int = 0,
        names: Sequence[str] = SPLIT_NAMES) -> Dict[str, List[str]]:
    """Split ``ids`` so that every class is divided in ``ratios``.

    Args:
        ids: unique sample ids (e.g. ``crazing_12``).
        labels: the class of each id (any hashable, sortable value).
        ratios: one ratio per split name; normalised to sum 1. Each class
            of ``n`` images gets ``round(n * ratio)`` (largest remainder).
        seed: random seed.
        names: split names, as many as ``ratios``.

    Returns:
        ``{name: ids}``, each list in natural order.
    """
    if len(ratios) != len(names):
        raise ValueError(f'{len(ratios)} ratios for {len(names)} splits '
                         f'{list(names)}')
    if any(r < 0 for r in ratios) or sum(ratios) <= 0:
        raise ValueError(f'ratios must be >= 0 with a positive sum: {ratios}')
    groups = _group(ids, labels)
    sorted_labels = sorted(groups)
    out = {name: [] for name in names}
    for label in sorted_labels:
        members = groups[label]
        order = _class_rng(seed, label).permutation(len(members))
        start = 0
        for name, count in zip(names, _split_counts(len(members), ratios)):
            out[name].extend(members[i] for i in order[start:start + count])
            start += count
    return {name: sorted(v, key=natural_key) for name, v in out.items()}


def select_split(ids: Sequence[str],
                 labels: Sequence[Hashable],
                 split: Optional[str],
                 ratios: Sequence[float] = DEFAULT_RATIOS,
                 seed: int = 0,
                 names: Sequence[str] = SPLIT_NAMES) -> List[str]:
    """The ids of one split of :func:`stratified_split` (all if None)."""
    if split is None:
        return sorted(ids, key=natural_key)
    if split not in names:
        raise ValueError(f'split must be one of {list(names)} or None, got '
                         f'{split!r}')
    return stratified_split(ids, labels, ratios, seed, names)[split]


def k_per_class(labels: Sequence[Hashable],
                k: int,
                seed: int = 0) -> List[int]:
    """Indices of (at most) ``k`` samples of each class.

    Nested: for one seed the ``k=10`` subset is inside the ``k=20`` one.
    A class with fewer than ``k`` samples contributes all of them.

    Returns:
        the chosen indices into ``labels``, sorted.
    """
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    groups = defaultdict(list)
    for index, label in enumerate(labels):
        groups[label].append(index)
    sorted_labels = sorted(groups)
    chosen = []
    for label in sorted_labels:
        members = groups[label]
        order = _class_rng(seed, label).permutation(len(members))
        chosen.extend(members[i] for i in order[:k])
    return sorted(chosen)


def stratified_kfold(labels: Sequence[Hashable],
                     num_folds: int,
                     seed: int = 0) -> List[List[int]]:
    """Test indices of each of ``num_folds`` stratified folds.

    :class:`sklearn.model_selection.StratifiedKFold` with ``shuffle=True``
    and ``random_state=seed``: the folds are disjoint, cover all indices,
    and every class (and every fold size) differs by at most one between
    folds.

    Returns:
        ``num_folds`` sorted lists of indices into ``labels``.
    """
    from sklearn.model_selection import StratifiedKFold
    labels = np.asarray(labels)
    if num_folds < 2:
        raise ValueError(f'num_folds must be >= 2, got {num_folds}')
    if num_folds > len(labels):
        raise ValueError(f'{num_folds} folds for {len(labels)} samples')
    splitter = StratifiedKFold(num_folds, shuffle=True, random_state=seed)
    return [
        sorted(test.tolist())
        for _, test in splitter.split(np.zeros(len(labels)), labels)
    ]


def stratified_holdout(labels: Sequence[Hashable],
                       test_ratio: float,
                       seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Sorted ``(train, test)`` indices of a stratified split with
    :func:`sklearn.model_selection.train_test_split` (``test_size=
    test_ratio``, ``stratify=labels``, ``random_state=seed``)."""
    from sklearn.model_selection import train_test_split
    train, test = train_test_split(
        np.arange(len(labels)),
        test_size=test_ratio,
        random_state=seed,
        stratify=np.asarray(labels))
    return np.sort(train), np.sort(test)


def read_id_list(path: str) -> List[str]:
    """Read a split file (one id a line; blank lines and ``#`` comments are
    skipped), raising :class:`InvalidDataError` if missing or empty."""
    if not osp.isfile(path):
        raise InvalidDataError(path, 'missing split file')
    with open(path, encoding='utf-8') as f:
        ids = [line.strip() for line in f]
    ids = [i for i in ids if i and not i.startswith('#')]
    if not ids:
        raise InvalidDataError(path, 'empty split file (no ids)')
    return ids


def write_split_files(splits: Dict[str, List[str]],
                      out_dir: str,
                      suffix: str = '.txt') -> Dict[str, str]:
    """Write ``{name}.txt`` per split into ``out_dir``; return the paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for name, ids in splits.items():
        paths[name] = osp.join(out_dir, name + suffix)
        with open(paths[name], 'w', encoding='utf-8') as f:
            f.write(''.join(f'{i}\n' for i in ids))
    return paths
