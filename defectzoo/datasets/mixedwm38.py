"""MixedWM38 wafer maps (Wang et al. 2020) as 38-class classification.

``Wafer_Map_Datasets.npz`` holds ``arr_0`` (N, 52, 52) wafer maps with
values 0 (no die), 1 (good die), 2 (failing die) and ``arr_1`` (N, 8)
multi-hot labels whose columns are the single defect types, in this order:

    C (Center), D (Donut), EL (Edge_Loc), ER (Edge_Ring), L (Loc),
    NF (Near_full), S (Scratch), R (Random)

The 38 distinct label patterns of the dataset are the 38 classes. Their
order, :data:`MIXEDWM38_PATTERNS`, is the C1..C38 numbering of the
literature (Wang et al. 2020; Table V of Phuong et al. 2024): C1 normal,
C2-C9 the single types, C10-C22 pairs, C23-C34 triples, C35-C38 quadruples.
A class is named after its types in column order, joined by ``+``
(``Center+Edge_Loc+Loc+Scratch``); the no-defect pattern is ``Normal``.

Maps are rendered to images in memory (0 → black, 1 → grey, 2 → white,
nearest-neighbour resizing), so no image files are needed.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmpretrain.datasets import BaseDataset

from defectzoo.registry import DATASETS
from ..utils.data.splits import k_per_class, stratified_holdout
from ..utils.data.validation import InvalidDataError, InvalidSampleLog

#: The 8 label columns of ``arr_1``: abbreviation and class-name part.
MIXEDWM38_TYPES = (('C', 'Center'), ('D', 'Donut'), ('EL', 'Edge_Loc'),
                   ('ER', 'Edge_Ring'), ('L', 'Loc'), ('NF', 'Near_full'),
                   ('S', 'Scratch'), ('R', 'Random'))
_ABBR = [a for a, _ in MIXEDWM38_TYPES]

# C1..C38, as in the literature's tables.
_PATTERN_ABBRS = (
    (),  # C1
    ('C', ),
    ('D', ),
    ('EL', ),
    ('ER', ),
    ('L', ),
    ('NF', ),  # C2-C7
    ('S', ),
    ('R', ),  # C8-C9
    ('C', 'EL'),
    ('C', 'ER'),
    ('C', 'L'),
    ('C', 'S'),  # C10-C13
    ('D', 'EL'),
    ('D', 'ER'),
    ('D', 'L'),
    ('D', 'S'),  # C14-C17
    ('EL', 'L'),
    ('EL', 'S'),
    ('ER', 'L'),
    ('ER', 'S'),  # C18-C21
    ('L', 'S'),  # C22
    ('C', 'EL', 'L'),
    ('C', 'EL', 'S'),
    ('C', 'ER', 'L'),  # C23-C25
    ('C', 'ER', 'S'),
    ('C', 'L', 'S'),
    ('D', 'EL', 'L'),  # C26-C28
    ('D', 'EL', 'S'),
    ('D', 'ER', 'L'),
    ('D', 'ER', 'S'),  # C29-C31
    ('D', 'L', 'S'),
    ('EL', 'L', 'S'),
    ('ER', 'L', 'S'),  # C32-C34
    ('C', 'EL', 'L', 'S'),
    ('C', 'ER', 'L', 'S'),  # C35-C36
    ('D', 'EL', 'L', 'S'),
    ('D', 'ER', 'L', 'S'),  # C37-C38
)


def _multi_hot(abbrs: Sequence[str]) -> Tuple[int, ...]:
    return tuple(int(a in abbrs) for a in _ABBR)


def pattern_name(pattern: Sequence[int]) -> str:
    """``(1,0,1,0,0,0,0,0)`` → ``'Center+Edge_Loc'``; all zeros → Normal."""
    names = [n for (_, n), v in zip(MIXEDWM38_TYPES, pattern) if v]
    return '+'.join(names) if names else 'Normal'


#: The 38 multi-hot patterns (8-tuples), class index = position.
MIXEDWM38_PATTERNS = tuple(_multi_hot(p) for p in _PATTERN_ABBRS)
#: The 38 class names, in class-index order.
MIXEDWM38_CLASSES = tuple(pattern_name(p) for p in MIXEDWM38_PATTERNS)
_PATTERN_TO_CLASS = {p: i for i, p in enumerate(MIXEDWM38_PATTERNS)}
assert len(MIXEDWM38_PATTERNS) == len(_PATTERN_TO_CLASS) == 38


def pattern_to_class(pattern: Sequence[int]) -> int:
    """Class index of a multi-hot pattern; ``KeyError`` if not one of 38."""
    return _PATTERN_TO_CLASS[tuple(int(v) for v in pattern)]


def render_wafer_map(wafer: np.ndarray,
                     img_size: Union[int, Tuple[int, int], None] = None,
                     gray_levels: Sequence[int] = (0, 128, 255),
                     channels: int = 3) -> np.ndarray:
    """Render a {0,1,2} wafer map as a uint8 image.

    Args:
        wafer: (H, W) map.
        img_size: output size, an int (square) or ``(w, h)``; ``None``
            keeps the map size. Resizing is nearest-neighbour.
        gray_levels: grey value of 0 (no die), 1 (good), 2 (failing).
        channels: 3 → (h, w, 3) BGR with equal channels; 1 → (h, w).
    """
    lut = np.asarray(gray_levels, dtype=np.uint8)
    img = lut[np.asarray(wafer, dtype=np.intp)]
    if img_size is not None:
        size = (img_size, img_size) if isinstance(img_size, int) \
            else tuple(img_size)
        if size != (img.shape[1], img.shape[0]):
            img = cv2.resize(img, size, interpolation=cv2.INTER_NEAREST)
    if channels == 3:
        img = np.repeat(img[..., None], 3, axis=2)
    elif channels != 1:
        raise ValueError(f'channels must be 1 or 3, got {channels}')
    return img


def load_mixedwm38(
    path: str,
    log: Optional[InvalidSampleLog] = None,
    value_map: Optional[Dict[int, int]] = None
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load and check ``Wafer_Map_Datasets.npz``.

    Args:
        path: the npz.
        log: collects skipped samples (default: raise at the first one).
        value_map: map values replaced before the check, e.g. ``{3: 2}``:
            the released file has 105 Near_full maps with a stray value 3
            (a failing die).

    Returns:
        ``(maps uint8 (M, H, W), class indices int64 (M,), indices into the
        npz (M,))`` of the valid samples.

    Raises:
        InvalidDataError: missing file or arrays, wrong array shapes (always);
            a map value outside {0, 1, 2}, a label not multi-hot, a pattern
            not among the 38 (unless ``log`` skips invalid samples).
    """
    log = log or InvalidSampleLog('MixedWM38', skip_invalid=False)
    if not osp.isfile(path):
        raise InvalidDataError(path, 'missing MixedWM38 npz file')
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.keys())
            if 'arr_0' not in keys or 'arr_1' not in keys:
                raise InvalidDataError(
                    path, f'expected arrays arr_0 (maps) and arr_1 (labels), '
                    f'found {keys}')
            maps, labels = npz['arr_0'], npz['arr_1']
    except InvalidDataError:
        raise
    except Exception as exc:  # zipfile / pickle / ValueError
        raise InvalidDataError(path, f'unreadable npz ({exc})') from None
    if maps.ndim != 3:
        raise InvalidDataError(
            path, f'wrong array shape: arr_0 must be (N, H, W) wafer maps, '
            f'got shape {maps.shape}')
    if labels.ndim != 2 or labels.shape[1] != len(MIXEDWM38_TYPES):
        raise InvalidDataError(
            path, f'wrong array shape: arr_1 must be (N, 8) multi-hot '
            f'labels, got shape {labels.shape}')
    if len(maps) != len(labels):
        raise InvalidDataError(
            path, f'wrong array shape: arr_0 has {len(maps)} maps but arr_1 '
            f'has {len(labels)} labels')

    if value_map:
        where = [(maps == old, new) for old, new in value_map.items()]
        maps = maps.copy()
        for mask, new in where:
            maps[mask] = new
    bad_map = ~np.isin(maps, (0, 1, 2)).reshape(len(maps), -1).all(axis=1)
    bad_label = ~np.isin(labels, (0, 1)).all(axis=1)
    keep, classes = [], []
    for i in range(len(maps)):
        if bad_map[i]:
            values = np.unique(maps[i])
            log.record(
                InvalidDataError(
                    path, f'wrong map values: sample {i} of arr_0 has values '
                    f'{values[:10].tolist()}; expected only 0, 1, 2'))
            continue
        if bad_label[i]:
            log.record(
                InvalidDataError(
                    path, f'wrong label values: sample {i} of arr_1 is '
                    f'{labels[i].tolist()}; expected 0/1 (multi-hot)'))
            continue
        pattern = tuple(int(v) for v in labels[i])
        cls = _PATTERN_TO_CLASS.get(pattern)
        if cls is None:
            log.record(
                InvalidDataError(
                    path, f'unknown pattern: sample {i} of arr_1 is '
                    f'{list(pattern)} ({pattern_name(pattern)}), not one of '
                    'the '
                    '38 MixedWM38 patterns'))
            continue
        keep.append(i)
        classes.append(cls)
    keep = np.asarray(keep, dtype=np.int64)
    return (maps[keep].astype(np.uint8), np.asarray(classes, np.int64), keep)


@DATASETS.register_module()
class MixedWM38Dataset(BaseDataset):
    """MixedWM38 read straight from ``Wafer_Map_Datasets.npz``.

    Each sample's ``img`` is the rendered map (no file, no loading
    transform); the pipeline starts with augmentations.

    Args:
        ann_file: the npz, relative to ``data_root``.
        img_size: rendered size, int or ``(w, h)``; nearest resizing. 52
            keeps the maps' size.
        gray_levels: grey value of 0 (no die), 1 (good die), 2 (failing).
        color_type: ``'color'`` (3 equal channels) or ``'grayscale'``.
        split: ``None`` (all samples), ``'train'`` or ``'test'`` of a
            seeded stratified split.
        test_ratio: fraction of each class in ``'test'`` (default 0.2, the
            80/20 protocol: about 7,603 of 38,015 maps).
        split_seed: seed of the split.
        num_per_class: keep only this many samples per class (small-data
            protocols: 20 / 50 / 100 from the training split).
        subset_seed: seed of that draw.
        value_map: replace map values before checking them, e.g.
            ``{3: 2}`` for the 105 Near_full maps of the released file that
            hold a stray 3 (the base config sets it). Default: none.
        skip_invalid: skip maps with bad values or unknown label patterns
            (one summary warning) instead of raising
            :class:`InvalidDataError`.
        **kwargs: those of :class:`mmpretrain.datasets.BaseDataset`.
    """

    METAINFO = dict(classes=MIXEDWM38_CLASSES)

    def __init__(self,
                 ann_file: str = 'Wafer_Map_Datasets.npz',
                 img_size: Union[int, Tuple[int, int]] = 52,
                 gray_levels: Sequence[int] = (0, 128, 255),
                 color_type: str = 'color',
                 split: Optional[str] = None,
                 test_ratio: float = 0.2,
                 split_seed: int = 0,
                 num_per_class: Optional[int] = None,
                 subset_seed: int = 0,
                 value_map: Optional[Dict[int, int]] = None,
                 skip_invalid: bool = False,
                 **kwargs):
        if split not in (None, 'train', 'test'):
            raise ValueError(f"split must be None, 'train' or 'test', got "
                             f'{split!r}')
        if color_type not in ('color', 'grayscale'):
            raise ValueError(f"color_type must be 'color' or 'grayscale', "
                             f'got {color_type!r}')
        self.img_size = img_size
        self.gray_levels = tuple(gray_levels)
        self.channels = 3 if color_type == 'color' else 1
        self.split = split
        self.test_ratio = test_ratio
        self.split_seed = split_seed
        self.num_per_class = num_per_class
        self.subset_seed = subset_seed
        self.value_map = dict(value_map) if value_map else None
        self.skip_invalid = skip_invalid
        self._maps = None
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        log = InvalidSampleLog(type(self).__name__, self.skip_invalid)
        maps, labels, npz_index = load_mixedwm38(self.ann_file, log,
                                                 self.value_map)
        log.summary()
        positions = np.arange(len(labels))
        if self.split is not None:
            train, test = stratified_holdout(labels, self.test_ratio,
                                             self.split_seed)
            positions = train if self.split == 'train' else test
        if self.num_per_class:
            positions = positions[k_per_class(labels[positions],
                                              self.num_per_class,
                                              self.subset_seed)]
        self._maps = maps[positions]
        return [
            dict(
                map_index=i,
                npz_index=int(npz_index[p]),
                gt_label=int(labels[p])) for i, p in enumerate(positions)
        ]

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        img = render_wafer_map(self._maps[info['map_index']], self.img_size,
                               self.gray_levels, self.channels)
        info.update(
            img=img,
            img_shape=img.shape[:2],
            ori_shape=img.shape[:2],
            img_path=f'{self.ann_file}#{info["npz_index"]}')
        return info
