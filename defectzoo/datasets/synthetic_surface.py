"""The synthetic metal-surface defect data set: images and exact
annotations generated on the fly by
:func:`~defectzoo.datasets.synthetic.surface_defects.generate_surface_sample`
(no download)."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.dataset import BaseDataset

from defectzoo.registry import DATASETS
from .synthetic.surface_defects import (DEFECT_CLASSES, DEFECT_FREE,
                                        INSTANCES_PER_CLASS, PALETTE, SPLITS,
                                        generate_surface_sample)


@DATASETS.register_module()
class SyntheticSurfaceDefectDataset(BaseDataset):
    """Synthetic metal-surface defect images generated on the fly.

    Deterministic: sample ``i`` of a split is a pure function of
    ``(seed, split, i)``; the splits are independent streams. No files
    are read, so the pipeline starts after loading (no
    ``LoadImageFromFile``).

    Tasks and classes (``metainfo['classes']``):

    - ``'cls'``: one defect class per image (1-3 instances of it), labels
      balanced (``index % num_classes``); ``classes`` = ``defect_classes``,
      preceded by ``'defect_free'`` if ``with_defect_free``. Gives ``img``,
      ``gt_label``.
    - ``'seg'``: ``classes = ('background', *defect_classes)``; gives
      ``gt_seg_map`` (class-index map) for mmseg transforms.
    - ``'det'``: ``classes = defect_classes``; gives ``gt_bboxes``
      (``HorizontalBoxes``), ``gt_bboxes_labels``, ``gt_ignore_flags``,
      ``instances`` (mmdet's raw format) and, with ``with_mask``,
      ``gt_masks`` (``BitmapMasks``).

    In ``'seg'`` / ``'det'`` an image has ``num_defects`` defects of random
    classes (possibly mixed); with ``with_defect_free`` a fraction
    ``1 / (num_classes + 1)`` of the images is defect-free.

    Args:
        task: ``'cls'``, ``'seg'`` or ``'det'``.
        num_samples: length of the dataset.
        split: ``'train'``, ``'val'`` or ``'test'``.
        seed: generator seed.
        img_size: int (square) or ``(w, h)``. Default 200 (NEU-like).
        defect_classes: subset / order of :data:`DEFECT_CLASSES`.
        with_defect_free: add defect-free images (a class in ``'cls'``).
        num_defects: ``(min, max)`` defects per image for ``'seg'``/``'det'``.
        color_type: ``'color'`` (3 equal BGR channels) or ``'grayscale'``.
        with_mask: add instance masks in ``'det'``.
        **kwargs: ``pipeline``, ``test_mode``, ``indices``, ``metainfo``,
            ``serialize_data``, ``lazy_init``, ``max_refetch`` of
            :class:`mmengine.dataset.BaseDataset`.
    """

    TASKS = ('cls', 'seg', 'det')

    def __init__(self,
                 task: str = 'cls',
                 num_samples: int = 1200,
                 split: str = 'train',
                 seed: int = 0,
                 img_size=200,
                 defect_classes: Sequence[str] = DEFECT_CLASSES,
                 with_defect_free: bool = False,
                 num_defects: Tuple[int, int] = (1, 3),
                 color_type: str = 'color',
                 with_mask: bool = False,
                 metainfo: Optional[dict] = None,
                 **kwargs):
        if task not in self.TASKS:
            raise ValueError(f'task must be one of {self.TASKS}, got {task!r}')
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        unknown = set(defect_classes) - set(DEFECT_CLASSES)
        if unknown:
            raise ValueError(f'unknown defect classes {sorted(unknown)}; '
                             f'known: {DEFECT_CLASSES}')
        if color_type not in ('color', 'grayscale'):
            raise ValueError(f"color_type must be 'color' or 'grayscale', "
                             f'got {color_type!r}')
        self.task, self.split, self.seed = task, split, int(seed)
        self.num_samples = int(num_samples)
        self.img_size = img_size if isinstance(img_size, int) \
            else tuple(img_size)
        self.defect_classes = tuple(defect_classes)
        self.with_defect_free = with_defect_free
        self.num_defects = tuple(num_defects)
        self.color_type = color_type
        self.with_mask = with_mask
        if task == 'cls':
            classes = ((DEFECT_FREE, ) if with_defect_free else ()) + \
                self.defect_classes
            palette = None
        elif task == 'seg':
            classes = ('background', ) + self.defect_classes
            palette = [PALETTE[0]] + [
                PALETTE[1 + DEFECT_CLASSES.index(c)]
                for c in self.defect_classes
            ]
        else:
            classes = self.defect_classes
            palette = [
                PALETTE[1 + DEFECT_CLASSES.index(c)]
                for c in self.defect_classes
            ]
        meta = dict(classes=classes)
        if palette:
            meta['palette'] = palette
        meta.update(metainfo or {})
        super().__init__(ann_file='', metainfo=meta, **kwargs)

    # ------------------------------------------------------------------
    def load_data_list(self) -> List[dict]:
        # ``gen_index`` (not ``sample_idx``, which BaseDataset rewrites to
        # the position) keeps a sample the same inside a subset
        return [dict(gen_index=i) for i in range(self.num_samples)]

    def _label_of(self, index: int) -> int:
        return index % len(self.metainfo['classes'])

    def get_cat_ids(self, idx: int) -> List[int]:
        """Class indices in sample ``idx``, from the drawn defect kinds
        (without generating the image; a defect that found no free place,
        which is rare, is still counted)."""
        index = self.get_data_info(idx, generate=False)['gen_index']
        if self.task == 'cls':
            return [self._label_of(index)]
        offset = 1 if self.task == 'seg' else 0  # seg: 0 = background
        return sorted({
            offset + self.defect_classes.index(kind)
            for kind in self.kinds_of(index)
        })

    def _det_label(self, label: int) -> int:
        return self.defect_classes.index(DEFECT_CLASSES[label])

    def kinds_of(self, index: int) -> List[str]:
        """Defect classes drawn in sample ``index`` (fixed by the seed)."""
        if self.task == 'cls':
            name = self.metainfo['classes'][self._label_of(index)]
            if name == DEFECT_FREE:
                return []
            rng = np.random.default_rng(
                [self.seed, SPLITS.index(self.split), index, 1])
            lo, hi = INSTANCES_PER_CLASS[name]
            return [name] * int(rng.integers(lo, hi + 1))
        rng = np.random.default_rng(
            [self.seed, SPLITS.index(self.split), index, 1])
        n_cls = len(self.defect_classes)
        if self.with_defect_free and rng.random() < 1 / (n_cls + 1):
            return []
        n = int(rng.integers(self.num_defects[0], self.num_defects[1] + 1))
        return [
            self.defect_classes[int(k)]
            for k in rng.integers(0, n_cls, size=n)
        ]

    def generate(self, index: int) -> dict:
        """The raw sample (see :func:`generate_surface_sample`)."""
        return generate_surface_sample(self.seed, index, self.kinds_of(index),
                                       self.img_size, self.split)

    def get_data_info(self, idx: int, generate: bool = True) -> dict:
        info = super().get_data_info(idx)
        if not generate:
            return info
        index = info['gen_index']
        sample = self.generate(index)
        img = sample['img']
        if self.color_type == 'color':
            img = np.repeat(img[..., None], 3, axis=2)
        h, w = img.shape[:2]
        info.update(
            img=img,
            img_shape=(h, w),
            ori_shape=(h, w),
            img_id=index,
            img_path=f'synthetic_surface/{self.split}/{index:06d}.png',
            height=h,
            width=w)
        if self.task == 'cls':
            info['gt_label'] = self._label_of(index)
        elif self.task == 'seg':
            seg = sample['seg_map']
            if self.defect_classes != DEFECT_CLASSES:
                lut = np.zeros(256, np.uint8)
                for i, c in enumerate(self.defect_classes):
                    lut[1 + DEFECT_CLASSES.index(c)] = i + 1
                seg = lut[seg]
            info.update(
                gt_seg_map=seg,
                seg_fields=['gt_seg_map'],
                reduce_zero_label=False)
        else:
            from mmdet.structures.bbox import HorizontalBoxes
            insts = sample['instances']
            boxes = np.array([i['bbox'] for i in insts],
                             np.float32).reshape(-1, 4)
            labels = np.array([self._det_label(i['label']) for i in insts],
                              np.int64)
            info.update(
                gt_bboxes=HorizontalBoxes(boxes),
                gt_bboxes_labels=labels,
                gt_ignore_flags=np.zeros(len(insts), bool),
                instances=[
                    dict(bbox=b.tolist(), bbox_label=int(lb), ignore_flag=0)
                    for b, lb in zip(boxes, labels)
                ])
            if self.with_mask:
                from mmdet.structures.mask import BitmapMasks
                masks = np.stack([i['mask'] for i in insts]).astype(
                    np.uint8) if insts else np.zeros((0, h, w), np.uint8)
                info['gt_masks'] = BitmapMasks(masks, h, w)
        return info
