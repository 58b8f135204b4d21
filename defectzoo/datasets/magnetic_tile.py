"""Magnetic-tile surface defects (Huang, Qiu & Yuan 2018).

1,344 grey images of magnetic tiles, one folder per class, each image with
a same-name PNG mask::

    magnetic-tile/
        MT_Blowhole/Imgs/exp1_num_108719.jpg  exp1_num_108719.png
        MT_Break/ MT_Crack/ MT_Fray/ MT_Uneven/
        MT_Free/Imgs/...                       (defect-free, empty masks)

Read three ways: classification of the six folders (imbalanced: Free is
952 of 1,344), binary segmentation of the masks and detection of the mask's
connected components. The masks are not clean 0/255: edges carry
intermediate grey values, so they are binarised at ``mask_threshold``
(128). An image in a defect folder whose mask is empty is an invalid sample
for segmentation and detection (the published data has four, in Uneven).

Sample ids are ``MT_<Class>/<stem>``; ``split`` and ``ann_file`` work as for
NEU (:mod:`defectzoo.datasets.neu`), with the same seeded stratified split
(``tools/dataset_converters/magnetic_tile_split.py`` writes the files).
"""
import os
import os.path as osp
from typing import List, NamedTuple, Optional, Sequence

import cv2
import numpy as np
from mmdet.datasets import BaseDetDataset
from mmpretrain.datasets import BaseDataset as ClsBaseDataset
from mmseg.datasets import BaseSegDataset

from defectzoo.registry import DATASETS
from ..utils.data.splits import (DEFAULT_RATIOS, natural_key, read_id_list,
                                 select_split)
from ..utils.data.validation import (InvalidDataError, InvalidSampleLog,
                                     read_mask_checked)
from .validated_dataset import ValidatedDatasetMixin

MT_CLASSES = ('Blowhole', 'Break', 'Crack', 'Fray', 'Free', 'Uneven')
MT_DEFECT_CLASSES = ('Blowhole', 'Break', 'Crack', 'Fray', 'Uneven')
MT_FREE = 'Free'
MT_PALETTE = [(220, 20, 60), (0, 130, 200), (60, 180, 75), (245, 130, 48),
              (128, 128, 128), (145, 30, 180)]


class MTSample(NamedTuple):
    """One magnetic-tile image as found on disk."""
    sample_id: str  # 'MT_Crack/exp1_num_249594'
    folder_class: str  # 'Crack'
    img_path: str
    mask_path: str


def list_magnetic_tile(root: str,
                       log: Optional[InvalidSampleLog] = None,
                       img_suffix: str = '.jpg',
                       mask_suffix: str = '.png') -> List[MTSample]:
    """Every image of the ``MT_<Class>/Imgs`` folders under ``root``.

    A ``MT_*`` folder of an unknown class is an :class:`InvalidDataError`
    (recorded in ``log`` when given, so ``skip_invalid`` skips it).
    """
    if not osp.isdir(root):
        raise InvalidDataError(root, 'missing magnetic-tile folder')
    samples = []
    folders = sorted(
        d for d in os.listdir(root)
        if d.startswith('MT_') and osp.isdir(osp.join(root, d)))
    if not folders:
        raise InvalidDataError(root, 'no MT_<Class> folders')
    for folder in folders:
        name = folder[3:]
        if name not in MT_CLASSES:
            error = InvalidDataError(
                osp.join(root, folder), f'unknown class {name!r}; known '
                f'classes: {list(MT_CLASSES)}')
            if log is None:
                raise error
            log.record(error)
            continue
        img_dir = osp.join(root, folder, 'Imgs')
        if not osp.isdir(img_dir):
            raise InvalidDataError(img_dir, 'missing image folder')
        for file in sorted(os.listdir(img_dir), key=natural_key):
            stem, ext = osp.splitext(file)
            if ext.lower() != img_suffix:
                continue
            samples.append(
                MTSample(f'{folder}/{stem}', name, osp.join(img_dir, file),
                         osp.join(img_dir, stem + mask_suffix)))
    return samples


def mask_to_boxes(mask: np.ndarray,
                  threshold: int = 128,
                  min_area: int = 0,
                  connectivity: int = 8) -> np.ndarray:
    """Boxes of the connected components of ``mask >= threshold``.

    Args:
        mask: 2-D mask.
        threshold: foreground is ``mask >= threshold``.
        min_area: components of fewer pixels are dropped.
        connectivity: 4 or 8.

    Returns:
        ``(n, 4)`` float32 ``x1, y1, x2, y2`` (pixel edges: a component
        covering columns 3..5 gives ``x1=3, x2=6``), in label order.
    """
    fg = (np.asarray(mask) >= threshold).astype(np.uint8)
    num, _, stats, _ = cv2.connectedComponentsWithStats(
        fg, connectivity=connectivity)
    boxes = [[x, y, x + w, y + h]
             for x, y, w, h, area in stats[1:num].tolist()
             if area >= max(min_area, 1)]
    return np.asarray(boxes, dtype=np.float32).reshape(-1, 4)


class _MagneticTileMixin(ValidatedDatasetMixin):
    """Listing, split and mask checks shared by the three views."""

    IMG_DEPTHS = (np.uint8, )
    IMG_CHANNELS = (1, 3)

    def _init_mt(self, split, split_ratios, split_seed, mask_threshold):
        self.split = split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        self.mask_threshold = mask_threshold

    def _samples(self, log: InvalidSampleLog) -> List[MTSample]:
        """The samples of this split."""
        samples = list_magnetic_tile(self.data_root, log)
        by_id = {s.sample_id: s for s in samples}
        if self.ann_file:
            ids = read_id_list(self.ann_file)
            out = []
            for i in ids:
                if i in by_id:
                    out.append(by_id[i])
                    continue
                folder, _, stem = i.partition('/')
                path = osp.join(self.data_root, folder, 'Imgs', stem + '.jpg')
                log.record(
                    InvalidDataError(
                        path, f'missing image file (id {i!r} of '
                        f'{self.ann_file})'))
            return out
        ids = select_split(
            list(by_id), [s.folder_class for s in samples], self.split,
            self.split_ratios, self.split_seed)
        return [by_id[i] for i in ids]

    def _read_mask(self, sample: MTSample) -> np.ndarray:
        """Decode and binarise a mask; an empty mask in a defect folder is
        an error."""
        mask = read_mask_checked(sample.mask_path, self.MASK_DEPTHS,
                                 self.MASK_CHANNELS)
        fg = mask >= self.mask_threshold
        if sample.folder_class != MT_FREE and not fg.any():
            raise InvalidDataError(
                sample.mask_path, 'empty mask for a defect image (class '
                f'{sample.folder_class}): no pixel >= {self.mask_threshold}')
        return fg


@DATASETS.register_module()
class MagneticTileClsDataset(_MagneticTileMixin, ClsBaseDataset):
    """Six-class classification of the magnetic-tile folders.

    Args:
        data_root: the ``magnetic-tile`` folder.
        ann_file: optional split file of ids (``MT_Crack/exp1_num_1``).
        split: ``'train'`` / ``'val'`` / ``'test'`` (seeded stratified
            split on the fly) or None for all.
        split_ratios: Defaults to (0.7, 0.1, 0.2).
        split_seed: Defaults to 0.
        with_mask: each sample also names its mask (``seg_map_path``,
            ``mask_threshold``) for ``LoadDefectMask``, e.g. to train
            ``DefectMapClsHead``. Defaults to False.
        skip_invalid, check_images: see
            :mod:`defectzoo.datasets.validated_dataset`.
        **kwargs: :class:`mmpretrain.datasets.BaseDataset` arguments.
    """

    METAINFO = dict(classes=MT_CLASSES)

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = '',
                 split: Optional[str] = None,
                 split_ratios: Sequence[float] = DEFAULT_RATIOS,
                 split_seed: int = 0,
                 with_mask: bool = False,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        self._init_mt(split, split_ratios, split_seed, 128)
        self.with_mask = with_mask
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        classes = list(self.metainfo['classes'])
        log = self._new_log()

        def parse(sample: MTSample):
            if sample.folder_class not in classes:
                return None  # class left out of metainfo
            info = dict(
                img_path=sample.img_path,
                gt_label=classes.index(sample.folder_class))
            if self.with_mask:
                info.update(
                    seg_map_path=sample.mask_path,
                    mask_threshold=self.mask_threshold)
            return info

        return self._parse_all(self._samples(log), parse, log)


@DATASETS.register_module()
class MagneticTileSegDataset(_MagneticTileMixin, BaseSegDataset):
    """Binary segmentation (0 background, 1 defect) of the masks.

    Each sample carries ``mask_threshold``; load the mask with
    ``dict(type='defectzoo.LoadDefectMask')``, which binarises it.

    Args:
        data_root: the ``magnetic-tile`` folder.
        ann_file, split, split_ratios, split_seed: as in
            :class:`MagneticTileClsDataset`.
        mask_threshold: mask values ``>=`` this are defect. Defaults to 128.
        check_empty_masks: decode the masks of defect images at load time
            and treat an empty one as invalid (about 1 s). Defaults to True.
        skip_invalid, check_images: see
            :mod:`defectzoo.datasets.validated_dataset`.
        **kwargs: :class:`mmseg.datasets.BaseSegDataset` arguments.
    """

    METAINFO = dict(
        classes=('background', 'defect'), palette=[[0, 0, 0], [255, 0, 0]])

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = '',
                 split: Optional[str] = None,
                 split_ratios: Sequence[float] = DEFAULT_RATIOS,
                 split_seed: int = 0,
                 mask_threshold: int = 128,
                 check_empty_masks: bool = True,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        self._init_mt(split, split_ratios, split_seed, mask_threshold)
        self.check_empty_masks = check_empty_masks
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            img_suffix='.jpg',
            seg_map_suffix='.png',
            **kwargs)

    def load_data_list(self) -> List[dict]:
        log = self._new_log()

        def parse(sample: MTSample):
            if self.check_empty_masks and sample.folder_class != MT_FREE:
                self._read_mask(sample)
            return dict(
                img_path=sample.img_path,
                seg_map_path=sample.mask_path,
                mask_threshold=self.mask_threshold,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[],
                folder_class=sample.folder_class,
                folder_label=MT_CLASSES.index(sample.folder_class))

        return self._parse_all(self._samples(log), parse, log)

    def get_cat_ids(self, idx: int) -> List[int]:
        """The folder class (index in :data:`MT_CLASSES`), so that
        ``KPerClassSubset`` can take k images per defect type."""
        return [self.get_data_info(idx)['folder_label']]


@DATASETS.register_module()
class MagneticTileDetDataset(_MagneticTileMixin, BaseDetDataset):
    """Detection: one box per connected component of each mask, labelled
    with the folder's defect class; ``Free`` images have no boxes.

    Args:
        data_root: the ``magnetic-tile`` folder.
        ann_file, split, split_ratios, split_seed: as in
            :class:`MagneticTileClsDataset`.
        mask_threshold: mask values ``>=`` this are defect. Defaults to 128.
        min_area: components smaller than this (pixels) give no box.
            Defaults to 4.
        class_agnostic: one class ``'defect'`` instead of the five defect
            classes.
        skip_invalid, check_images: see
            :mod:`defectzoo.datasets.validated_dataset`.
        **kwargs: :class:`mmdet.datasets.BaseDetDataset` arguments
            (``filter_cfg=dict(filter_empty_gt=True)`` drops Free images
            from training).
    """

    METAINFO = dict(
        classes=MT_DEFECT_CLASSES, palette=MT_PALETTE[:4] + MT_PALETTE[5:])

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = '',
                 split: Optional[str] = None,
                 split_ratios: Sequence[float] = DEFAULT_RATIOS,
                 split_seed: int = 0,
                 mask_threshold: int = 128,
                 min_area: int = 4,
                 class_agnostic: bool = False,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 metainfo: Optional[dict] = None,
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        self._init_mt(split, split_ratios, split_seed, mask_threshold)
        self.min_area = min_area
        self.class_agnostic = class_agnostic
        if class_agnostic:
            metainfo = dict(
                dict(classes=('defect', ), palette=[(220, 20, 60)]),
                **(metainfo or {}))
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            metainfo=metainfo,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        classes = list(self.metainfo['classes'])
        log = self._new_log()

        def parse(sample: MTSample):
            if self.class_agnostic:
                label = 0
            elif sample.folder_class in classes:
                label = classes.index(sample.folder_class)
            elif sample.folder_class == MT_FREE:
                label = None
            else:
                return None  # class left out of metainfo
            if sample.folder_class == MT_FREE and self.check_images != 'full':
                boxes = np.zeros((0, 4), np.float32)
            else:
                fg = self._read_mask(sample)
                boxes = mask_to_boxes(fg, 1, self.min_area)
                if sample.folder_class == MT_FREE and len(boxes):
                    raise InvalidDataError(
                        sample.mask_path, f'defect pixels in the mask of a '
                        f'{MT_FREE} (defect-free) image')
                if sample.folder_class != MT_FREE and not len(boxes):
                    raise InvalidDataError(
                        sample.mask_path, 'no mask component of at least '
                        f'min_area={self.min_area} pixels for a defect '
                        f'image (class {sample.folder_class})')
            return dict(
                img_id=sample.sample_id,
                img_path=sample.img_path,
                seg_map_path=sample.mask_path,
                height=None,
                width=None,
                folder_class=sample.folder_class,
                instances=[
                    dict(bbox=box, bbox_label=label, ignore_flag=0)
                    for box in boxes.tolist()
                ])

        return self._parse_all(self._samples(log), parse, log)
