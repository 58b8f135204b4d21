"""k images per class: the training subsets of the small-data protocol.

``KPerClassSubset`` is a registered *builder*: it builds the wrapped dataset,
keeps ``k`` images of each class with :func:`~defectzoo.utils.data.splits.
k_per_class` (seeded, nested: the ``k=10`` images are among the ``k=20``
ones) and returns the same dataset object cut down in place, so its class,
``metainfo``, evaluators and visualisers are unchanged::

    train_dataloader = dict(dataset=dict(
        type='KPerClassSubset', k=10, seed=0,
        dataset=dict(type='NEUClsDataset', split='train', ...)))
"""
from collections import Counter
from typing import Dict, List, Optional, Union

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from defectzoo.registry import DATASETS
from ..utils.data.splits import k_per_class

#: the group of images without any label (detection negatives).
EMPTY_GROUP = -1


def primary_label(cat_ids: List[int]) -> int:
    """The class an image counts for: its most frequent label (ties: the
    smallest), :data:`EMPTY_GROUP` when it has none."""
    if len(cat_ids) == 0:
        return EMPTY_GROUP
    counts = Counter(int(c) for c in cat_ids)
    return min(counts, key=lambda c: (-counts[c], c))


def k_per_class_indices(
        dataset: BaseDataset,
        k: int,
        seed: int = 0,
        empty_group: bool = True,
        k_by_label: Optional[Dict[int, int]] = None) -> List[int]:
    """Indices of ``k`` images per class of a built dataset (by
    ``get_cat_ids``: the label for classification, the most frequent box
    label for detection).

    Args:
        empty_group: images without labels form their own group of ``k``
            (True) or are dropped (False).
        k_by_label: another ``k`` for some labels (``get_cat_ids`` values;
            :data:`EMPTY_GROUP` for the images without labels).
    """
    labels = [
        primary_label(dataset.get_cat_ids(i)) for i in range(len(dataset))
    ]
    keep = [
        i for i, label in enumerate(labels)
        if empty_group or label != EMPTY_GROUP
    ]
    kept = [labels[i] for i in keep]
    special = {int(c): int(n) for c, n in (k_by_label or {}).items()}
    unknown = sorted(set(special) - set(kept))
    if unknown:
        raise ValueError(
            f'KPerClassSubset: k_by_label names labels {unknown} that no '
            f'image of {type(dataset).__name__} has (its labels: '
            f'{sorted(set(kept))}, from get_cat_ids)')
    # each class is drawn from its own seeded stream: the other classes'
    # choice is the same as without k_by_label, and subsets stay nested
    chosen = [i for i in k_per_class(kept, k, seed) if kept[i] not in special]
    for label, n in special.items():
        chosen += [i for i in k_per_class(kept, n, seed) if kept[i] == label]
    return sorted(keep[i] for i in chosen)


@DATASETS.register_module()
def KPerClassSubset(
        dataset: Union[dict, BaseDataset],
        k: int,
        seed: int = 0,
        empty_group: bool = True,
        k_by_label: Optional[Dict[int, int]] = None) -> BaseDataset:
    """Build ``dataset`` and keep ``k`` images per class (deterministic in
    ``seed``; classes with fewer images keep all of them, with a warning).

    Args:
        dataset: a dataset config or a built :class:`BaseDataset`.
        k: images per class (10 / 20 / 50 in the small-data protocol).
        seed: random seed of the choice.
        empty_group: keep ``k`` images without labels (detection
            negatives, e.g. magnetic-tile ``Free``) as if a class.
        k_by_label: ``{label: k}`` for labels that take another ``k``
            (``get_cat_ids`` values, -1 for the images without labels),
            e.g. as many defect-free as defective images.

    Returns:
        the wrapped dataset, cut down in place with ``get_subset_``.
    """
    if isinstance(dataset, dict):
        dataset = DATASETS.build(dataset)
    if not isinstance(dataset, BaseDataset):
        raise TypeError('KPerClassSubset needs a dataset derived from '
                        f'mmengine BaseDataset, got {type(dataset)}')
    dataset.full_init()
    indices = k_per_class_indices(dataset, k, seed, empty_group, k_by_label)
    dataset.get_subset_(indices)
    counts = Counter(
        primary_label(dataset.get_cat_ids(i)) for i in range(len(dataset)))
    classes = dataset.metainfo.get('classes') or ()
    short = {
        c: n
        for c, n in counts.items() if n < (k_by_label or {}).get(c, k)
    }
    if short:
        names = {
            (classes[c] if 0 <= c < len(classes) else c): n
            for c, n in short.items()
        }
        print_log(
            f'KPerClassSubset: fewer than k={k} images for {names}; '
            'all of them are used.',
            logger='current',
            level=30)
    dataset.k_per_class = dict(k=k, seed=seed, indices=indices)
    return dataset
