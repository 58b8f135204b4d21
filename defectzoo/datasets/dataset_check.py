"""Build the datasets of a config and check every sample's files.

The engine of ``tools/misc/check_dataset.py`` and
``tools/misc/browse_dataset.py``. A dataset is built with
``skip_invalid=True`` (for every class that accepts it) and, for defectzoo's
own classes, ``check_images='full'``, so all problems are collected instead
of the first one raised; then each sample's
image (and mask) is decoded and checked with the dataset's own rules
(``IMG_DEPTHS`` ...), boxes are checked against the decoded size and the
classes are counted.
"""
import copy
import inspect
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import numpy as np
from mmengine.registry import DATASETS, DefaultScope

from ..utils.data.validation import (DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIZE,
                                     InvalidDataError, check_mask_shape,
                                     check_sample, collect_invalid_samples,
                                     read_mask_checked)
from .validated_dataset import ValidatedDatasetMixin

SPLITS = ('train', 'val', 'test')


def _accepts(cls, name: str) -> bool:
    """Whether any ``__init__`` in ``cls``'s MRO takes argument ``name``."""
    for klass in cls.__mro__:
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        try:
            if name in inspect.signature(init).parameters:
                return True
        except (TypeError, ValueError):
            continue
    return False


def prepare_dataset_cfg(cfg: dict,
                        data_root: Optional[str] = None,
                        check_images: str = 'none',
                        drop_pipeline: bool = False,
                        size_limits: Optional[dict] = None) -> dict:
    """A copy of a dataset config set up for checking: ``skip_invalid=True``
    and ``check_images`` where the class takes them, optionally another
    ``data_root`` and image size limits (``size_limits``: ``max_pixels`` /
    ``min_size`` for defectzoo's datasets); wrapped datasets (``dataset`` /
    ``datasets`` keys) too.
    """
    cfg = copy.deepcopy(cfg)
    current = DefaultScope.get_current_instance()
    scope = current.scope_name if current is not None else None

    def resolve(obj_type):
        if not isinstance(obj_type, str):
            return obj_type
        with DATASETS.switch_scope_and_registry(scope) as registry:
            try:
                return registry.get(obj_type)
            except (KeyError, RuntimeError):
                return None  # left for DATASETS.build to report

    def visit(node):
        if isinstance(node, (list, tuple)):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict) or 'type' not in node:
            return
        obj_type = node['type']
        cls = resolve(obj_type)
        if inspect.isclass(cls):
            if issubclass(cls, ValidatedDatasetMixin):
                node['skip_invalid'] = True
                node['check_images'] = check_images
                node.update(size_limits or {})
            elif _accepts(cls, 'skip_invalid'):
                node['skip_invalid'] = True
        if data_root is not None and 'data_root' in node:
            node['data_root'] = data_root
        if drop_pipeline and 'pipeline' in node:
            node['pipeline'] = []
        visit(node.get('dataset'))
        visit(node.get('datasets'))

    visit(cfg)
    return cfg


def leaf_datasets(dataset) -> list:
    """The datasets inside wrappers (``ConcatDataset``, ``RepeatDataset``)."""
    if hasattr(dataset, 'datasets'):
        return [d for ds in dataset.datasets for d in leaf_datasets(ds)]
    if hasattr(dataset, 'dataset'):
        return leaf_datasets(dataset.dataset)
    return [dataset]


@dataclass
class CheckReport:
    """What :func:`check_dataset` found in one dataset."""
    name: str
    num_samples: int = 0
    classes: Sequence[str] = ()
    #: images per class (classification labels, box labels or mask labels)
    images_per_class: Counter = field(default_factory=Counter)
    boxes_per_class: Counter = field(default_factory=Counter)
    images_without_boxes: int = 0
    folder_classes: Counter = field(default_factory=Counter)
    min_size: Optional[tuple] = None
    max_size: Optional[tuple] = None
    problems: List[InvalidDataError] = field(default_factory=list)
    build_seconds: float = 0.0
    check_seconds: float = 0.0

    def format(self, max_problems: int = 50) -> str:
        """Human-readable summary."""
        lines = [
            f'== {self.name}: {self.num_samples} samples read '
            f'(built in {self.build_seconds:.1f} s, files checked in '
            f'{self.check_seconds:.1f} s)'
        ]
        if self.min_size:
            lines.append(f'   image size (h x w): min {self.min_size[0]}x'
                         f'{self.min_size[1]}, max {self.max_size[0]}x'
                         f'{self.max_size[1]}')
        names = list(self.classes) or sorted(self.images_per_class)
        if self.images_per_class or self.boxes_per_class:
            has_boxes = bool(self.boxes_per_class) or \
                self.images_without_boxes
            lines.append('   class' + ' ' * 19 + 'images' +
                         ('   boxes' if has_boxes else ''))
            for index, name in enumerate(names):
                row = f'   {str(name):<24}{self.images_per_class[index]:>6}'
                if has_boxes:
                    row += f'{self.boxes_per_class[index]:>8}'
                lines.append(row)
            if has_boxes:
                lines.append(f'   images without boxes: '
                             f'{self.images_without_boxes}')
        if self.folder_classes:
            lines.append('   images per folder class: ' + ', '.join(
                f'{k} {v}' for k, v in sorted(self.folder_classes.items())))
        if self.problems:
            lines.append(f'   {len(self.problems)} problem(s):')
            for error in self.problems[:max_problems]:
                lines.append(f'   - {error.path}: {error.problem}')
            if len(self.problems) > max_problems:
                lines.append(f'   ... and {len(self.problems) - max_problems}'
                             ' more')
        else:
            lines.append('   no problems found')
        return '\n'.join(lines)


def _mask_labels(mask: np.ndarray, info: dict, num_classes: int,
                 ignore_index: int, path: str) -> List[int]:
    """Class indices present in a mask after the dataset's mapping."""
    threshold = info.get('mask_threshold')
    if threshold is not None:
        mask = (mask >= threshold).astype(np.uint8)
    else:
        label_map = info.get('label_map')
        if label_map:
            original = mask.copy()
            for old, new in label_map.items():
                mask[original == old] = new
        if info.get('reduce_zero_label'):
            mask = mask.astype(np.int64) - 1
            mask[mask == -1] = ignore_index
    values = [int(v) for v in np.unique(mask) if int(v) != ignore_index]
    bad = [v for v in values if not 0 <= v < num_classes]
    if bad:
        raise InvalidDataError(
            path, f'mask values {bad[:5]} are not class indices (there are '
            f'{num_classes} classes; a 0/255 binary mask needs '
            'mask_threshold)')
    return values


def check_dataset(dataset,
                  name: str = 'dataset',
                  load_errors: Sequence[InvalidDataError] = (),
                  progress: bool = True,
                  file=None) -> CheckReport:
    """Decode and check every sample of a built dataset.

    Args:
        dataset: a built dataset (wrappers allowed).
        name: shown in the report.
        load_errors: problems already found while building it.
        progress: show an mmengine progress bar.
    """
    from mmengine.utils import ProgressBar
    file = file or sys.stdout
    leaf = leaf_datasets(dataset)[0]
    rules = dict(
        img_depths=getattr(leaf, 'IMG_DEPTHS', (np.uint8, np.uint16)),
        img_channels=getattr(leaf, 'IMG_CHANNELS', (1, 3, 4)),
        mask_depths=getattr(leaf, 'MASK_DEPTHS', (np.uint8, )),
        mask_channels=getattr(leaf, 'MASK_CHANNELS', (1, )),
        max_pixels=getattr(leaf, 'max_pixels', DEFAULT_MAX_PIXELS),
        min_size=getattr(leaf, 'min_size', DEFAULT_MIN_SIZE))
    metainfo = getattr(dataset, 'metainfo', {}) or {}
    classes = tuple(metainfo.get('classes') or ())
    ignore_index = getattr(leaf, 'ignore_index', 255)
    report = CheckReport(
        name=name, classes=classes, problems=list(load_errors))
    start = time.time()
    num = len(dataset)
    bar = ProgressBar(num, file=file) if progress and num else None
    sizes = []
    for index in range(num):
        info = dataset.get_data_info(index)
        try:
            no_mask = {k: v for k, v in info.items() if k != 'seg_map_path'}
            shape = check_sample(no_mask, 'full', **rules)
            labels = []
            if 'gt_label' in info:
                gt = info['gt_label']
                labels = [int(v) for v in np.atleast_1d(gt)]
                if np.ndim(gt) and len(classes) == len(labels) and set(
                        labels) <= {0, 1}:  # one-hot / multi-hot
                    labels = [i for i, v in enumerate(labels) if v]
            elif 'instances' in info:
                box_labels = [
                    int(i['bbox_label']) for i in info['instances']
                    if 'bbox_label' in i
                ]
                labels = sorted(set(box_labels))
                report.boxes_per_class.update(box_labels)
                if not box_labels:
                    report.images_without_boxes += 1
            if info.get('seg_map_path'):
                path = info['seg_map_path']
                mask = read_mask_checked(path, rules['mask_depths'],
                                         rules['mask_channels'])
                check_mask_shape(mask, shape, path)
                if 'gt_label' not in info and 'instances' not in info:
                    labels = _mask_labels(mask, info,
                                          len(classes) or 256, ignore_index,
                                          path)
            report.images_per_class.update(labels)
            if info.get('folder_class'):
                report.folder_classes[info['folder_class']] += 1
            sizes.append(shape)
        except InvalidDataError as error:
            report.problems.append(error)
        if bar:
            bar.update()
    if bar:
        file.write('\n')
    report.num_samples = num
    if sizes:
        report.min_size = tuple(np.min(sizes, axis=0).tolist())
        report.max_size = tuple(np.max(sizes, axis=0).tolist())
    report.check_seconds = time.time() - start
    return report


def build_for_check(dataset_cfg: dict,
                    check_images: str = 'full',
                    **prepare_kwargs):
    """Build a dataset config prepared with :func:`prepare_dataset_cfg`
    (by default with ``check_images='full'``, so that a dataset's own
    content checks run too, e.g. defect pixels in a defect-free mask).

    Returns:
        ``(dataset or None, load problems, build seconds)``; a dataset that
        cannot be built at all gives None and its error as the problem.
    """
    cfg = prepare_dataset_cfg(
        dataset_cfg, check_images=check_images, **prepare_kwargs)
    start = time.time()
    with collect_invalid_samples() as errors, warnings.catch_warnings():
        # the skipped samples are listed in the report, not warned about
        warnings.filterwarnings(
            'ignore', message=r'.*skipped \d+ invalid sample')
        try:
            dataset = DATASETS.build(cfg)
        except InvalidDataError as error:
            return None, list(errors) + [error], time.time() - start
    return dataset, list(errors), time.time() - start
