"""NEU surface defect database (Song & Yan 2013; boxes: He et al. 2020).

Hot-rolled steel strip, 1,800 grey 200x200 images, six classes x 300. On
disk (the NEU-DET release)::

    neu-det/
        IMAGES/crazing_1.jpg ... scratches_300.jpg
        ANNOTATIONS/crazing_1.xml ...            (Pascal VOC boxes)

The class is the file-name prefix. ``rolled-in_scale`` and
``pitted_surface`` contain ``_`` (and ``-``), so the prefix is matched
against the known class names, longest first, never found by splitting.
The NEU-CLS release's short prefixes (``Cr_1.bmp``, ``RS_12.bmp`` ...) are
understood too.

There is no official split: ``split='train'|'val'|'test'`` makes the seeded
stratified split of ``tools/dataset_converters/neu_split.py`` on the fly,
or ``ann_file`` names a split file of ids written by that tool.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset as ClsBaseDataset

from defectzoo.registry import DATASETS
from ..utils.data.splits import (DEFAULT_RATIOS, natural_key, read_id_list,
                                 select_split)
from ..utils.data.validation import InvalidDataError
from .validated_dataset import ValidatedDatasetMixin
from .voc import VOCDetDataset

NEU_CLASSES = ('crazing', 'inclusion', 'patches', 'pitted_surface',
               'rolled-in_scale', 'scratches')
#: NEU-CLS short file-name prefixes.
NEU_ALIASES = {
    'Cr': 'crazing',
    'In': 'inclusion',
    'Pa': 'patches',
    'PS': 'pitted_surface',
    'RS': 'rolled-in_scale',
    'Sc': 'scratches'
}
NEU_PALETTE = [(220, 20, 60), (0, 130, 200), (60, 180, 75), (245, 130, 48),
               (145, 30, 180), (240, 200, 0)]
NEU_IMG_SUFFIXES = ('.jpg', '.jpeg', '.bmp', '.png')


def parse_neu_class(stem: str,
                    classes: Sequence[str] = NEU_CLASSES,
                    aliases: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The class of a NEU file name without suffix, or None.

    ``stem`` must be ``<class>_<something>`` with ``<class>`` one of
    ``classes`` or of the ``aliases`` keys; the longest match wins, so a
    class name containing ``_`` or ``-`` is parsed whole.

    >>> parse_neu_class('rolled-in_scale_12')
    'rolled-in_scale'
    >>> parse_neu_class('RS_12')
    'rolled-in_scale'
    """
    aliases = NEU_ALIASES if aliases is None else aliases
    names = {name: name for name in classes}
    names.update({a: c for a, c in aliases.items() if a not in names})
    for prefix in sorted(names, key=len, reverse=True):
        if stem.startswith(prefix + '_') and len(stem) > len(prefix) + 1:
            return names[prefix]
    return None


def list_neu_images(
        img_dir: str,
        suffixes: Sequence[str] = NEU_IMG_SUFFIXES) -> Dict[str, str]:
    """``{stem: file name}`` of the images in ``img_dir`` (natural order;
    the first suffix wins when a stem has several files)."""
    if not osp.isdir(img_dir):
        raise InvalidDataError(img_dir, 'missing image folder')
    out = {}
    for name in sorted(os.listdir(img_dir), key=natural_key):
        stem, ext = osp.splitext(name)
        if ext.lower() in suffixes and stem not in out:
            out[stem] = name
    return out


def _find_image(img_dir: str, stem: str, suffixes: Sequence[str]) -> str:
    """The image of ``stem`` with the first suffix that exists (else the
    path with the first suffix, which the checks report missing)."""
    for suffix in suffixes:
        path = osp.join(img_dir, stem + suffix)
        if osp.isfile(path):
            return path
    return osp.join(img_dir, stem + suffixes[0])


class _NEUSplitMixin:
    """Chooses the ids of a NEU split (``ann_file`` or on the fly)."""

    def _init_split(self, split, split_ratios, split_seed, img_suffixes):
        self.split = split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        self.img_suffixes = tuple(s.lower() for s in img_suffixes)

    def _split_ids(self, img_dir: str) -> List[Tuple[str, str]]:
        """``[(id, image path)]`` of this split."""
        if self.ann_file:
            ids = read_id_list(self.ann_file)
            return [(i, _find_image(img_dir, i, self.img_suffixes))
                    for i in ids]
        stems = list_neu_images(img_dir, self.img_suffixes)
        if not stems:
            raise InvalidDataError(
                img_dir, f'no images with suffix {self.img_suffixes}')
        ids = list(stems)
        known = self._known_classes()
        labels = [parse_neu_class(i, known) or '' for i in ids]
        ids = select_split(ids, labels, self.split, self.split_ratios,
                           self.split_seed)
        return [(i, osp.join(img_dir, stems[i])) for i in ids]

    def _known_classes(self) -> Tuple[str, ...]:
        """NEU's classes and those of ``metainfo`` (other data sets in NEU's
        layout, e.g. the synthetic surface defects)."""
        classes = self.metainfo['classes']
        return tuple(NEU_CLASSES) + tuple(
            c for c in classes if c not in NEU_CLASSES)

    def _class_of(self, stem: str, path: str) -> Optional[int]:
        """Label index from the file name; None when the file's class is a
        NEU class left out of ``metainfo['classes']``."""
        classes = self.metainfo['classes']
        name = parse_neu_class(stem, self._known_classes())
        if name is None:
            raise InvalidDataError(
                path, f'unknown class: file name {stem!r} does not start '
                f'with a known class name {list(classes)} followed by "_"')
        if name not in classes:
            return None
        return list(classes).index(name)


@DATASETS.register_module()
class NEUClsDataset(_NEUSplitMixin, ValidatedDatasetMixin, ClsBaseDataset):
    """NEU-CLS: classification, class from the file name.

    Args:
        data_root: the ``neu-det`` folder.
        data_prefix: image folder under ``data_root``. Defaults to
            ``'IMAGES'``.
        ann_file: optional split file of ids (``crazing_12`` a line),
            relative to ``data_root`` or absolute; overrides ``split``.
        split: ``'train'``, ``'val'``, ``'test'`` (seeded stratified split
            made on the fly) or None for every image.
        split_ratios: train / val / test ratios. Defaults to (0.7, 0.1, 0.2).
        split_seed: seed of the split. Defaults to 0.
        img_suffixes: image suffixes looked for.
        skip_invalid: skip bad samples (one summary warning) instead of
            raising :class:`InvalidDataError`.
        check_images: ``'none'`` | ``'header'`` | ``'full'``, see
            :mod:`defectzoo.datasets.validated_dataset`.
        **kwargs: :class:`mmpretrain.datasets.BaseDataset` arguments
            (``pipeline``, ``metainfo``, ``test_mode``, ``indices`` ...).
    """

    METAINFO = dict(classes=NEU_CLASSES)
    IMG_DEPTHS = (np.uint8, )
    IMG_CHANNELS = (1, 3)

    def __init__(self,
                 data_root: str = '',
                 data_prefix: str = 'IMAGES',
                 ann_file: str = '',
                 split: Optional[str] = None,
                 split_ratios: Sequence[float] = DEFAULT_RATIOS,
                 split_seed: int = 0,
                 img_suffixes: Sequence[str] = NEU_IMG_SUFFIXES,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        self._init_split(split, split_ratios, split_seed, img_suffixes)
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """One ``dict(img_path, gt_label)`` per image of the split."""

        def parse(item):
            stem, path = item
            label = self._class_of(stem, path)
            if label is None:
                return None
            return dict(img_path=path, gt_label=label)

        return self._parse_all(self._split_ids(self.img_prefix), parse)


@DATASETS.register_module()
class NEUDetDataset(_NEUSplitMixin, VOCDetDataset):
    """NEU-DET: Pascal VOC boxes in NEU's flat layout
    (``IMAGES/<id>.jpg`` + ``ANNOTATIONS/<id>.xml``).

    Boxes are checked as in :class:`VOCDetDataset`; an XML without objects
    is an error (every NEU image shows a defect) unless ``allow_empty``.

    Args:
        data_root: the ``neu-det`` folder.
        ann_file: optional split file of ids; overrides ``split``.
        split, split_ratios, split_seed: as in :class:`NEUClsDataset`.
        img_subdir: Defaults to ``'IMAGES'``.
        ann_subdir: Defaults to ``'ANNOTATIONS'``.
        **kwargs: :class:`VOCDetDataset` arguments (``skip_invalid``,
            ``check_images``, ``allow_empty``, ``pipeline``, ...).
    """

    METAINFO = dict(classes=NEU_CLASSES, palette=NEU_PALETTE)
    IMG_DEPTHS = (np.uint8, )
    IMG_CHANNELS = (1, 3)

    def __init__(self,
                 ann_file: str = '',
                 split: Optional[str] = None,
                 split_ratios: Sequence[float] = DEFAULT_RATIOS,
                 split_seed: int = 0,
                 img_subdir: str = 'IMAGES',
                 ann_subdir: str = 'ANNOTATIONS',
                 img_suffixes: Sequence[str] = NEU_IMG_SUFFIXES,
                 allow_empty: bool = False,
                 **kwargs):
        self._init_split(split, split_ratios, split_seed, img_suffixes)
        super().__init__(
            ann_file=ann_file,
            img_subdir=img_subdir,
            ann_subdir=ann_subdir,
            img_suffixes=img_suffixes,
            allow_empty=allow_empty,
            **kwargs)

    def _sample_ids(self) -> List[Tuple[str, str]]:
        return self._split_ids(osp.join(self.root_dir, self.img_subdir))

    def _known_names(self) -> Sequence[str]:
        return NEU_CLASSES
