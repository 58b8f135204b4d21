"""Segmentation from an image folder and a mask folder (same file stems).

The common layout of defect-segmentation sets that come without a named
format::

    data_root/
        images/  a.jpg  b.jpg ...
        masks/   a.png  b.png ...      (0/255 binary or class indices)
"""
import os
import os.path as osp
from typing import List, Optional, Sequence, Union

from mmseg.datasets import BaseSegDataset

from defectzoo.registry import DATASETS
from ..utils.data.splits import natural_key, read_id_list
from ..utils.data.validation import InvalidDataError
from .validated_dataset import ValidatedDatasetMixin

IMG_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')


@DATASETS.register_module()
class ImageMaskFolderDataset(ValidatedDatasetMixin, BaseSegDataset):
    """Images in ``data_prefix['img_path']``, masks of the same stem in
    ``data_prefix['seg_map_path']``.

    Load the masks with ``dict(type='defectzoo.LoadDefectMask')`` (it
    applies ``mask_threshold``) or mmseg's ``LoadAnnotations`` (index
    masks, ``mask_threshold=None``).

    Args:
        data_prefix: Defaults to ``dict(img_path='images',
            seg_map_path='masks')``.
        ann_file: optional file of stems (one a line).
        img_suffixes: image suffixes looked for.
        seg_map_suffix: mask suffix. Defaults to ``'.png'``.
        mask_threshold: binarise masks at this value (0/255 masks).
            ``'auto'`` (default): 128 when there are two classes, else None
            (index masks).
        missing_mask: ``'error'`` or ``'background'`` (an image without a
            mask is all background, e.g. defect-free images).
        skip_invalid, check_images: see
            :mod:`defectzoo.datasets.validated_dataset`.
        **kwargs: :class:`mmseg.datasets.BaseSegDataset` arguments
            (``metainfo=dict(classes=...)``, ``pipeline`` ...).
    """

    #: used when ``metainfo`` names no classes (no class list in
    #: ``METAINFO``: mmseg would take other classes for a subset of it)
    BINARY_METAINFO = dict(
        classes=('background', 'defect'), palette=[[0, 0, 0], [255, 0, 0]])

    def __init__(self,
                 data_prefix: Optional[dict] = None,
                 ann_file: str = '',
                 img_suffixes: Sequence[str] = IMG_SUFFIXES,
                 seg_map_suffix: str = '.png',
                 mask_threshold: Union[int, str, None] = 'auto',
                 missing_mask: str = 'error',
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        if missing_mask not in ('error', 'background'):
            raise ValueError("missing_mask must be 'error' or 'background'")
        self._init_validation(skip_invalid, check_images)
        self.img_suffixes = tuple(s.lower() for s in img_suffixes)
        self.missing_mask = missing_mask
        self._mask_threshold = mask_threshold
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        if not metainfo.get('classes'):
            metainfo = dict(self.BINARY_METAINFO, **metainfo)
            metainfo['classes'] = self.BINARY_METAINFO['classes']
        super().__init__(
            metainfo=metainfo,
            ann_file=ann_file,
            data_prefix=data_prefix
            or dict(img_path='images', seg_map_path='masks'),
            img_suffix=self.img_suffixes[0],
            seg_map_suffix=seg_map_suffix,
            **kwargs)

    @property
    def mask_threshold(self) -> Optional[int]:
        if self._mask_threshold == 'auto':
            return 128 if len(self.metainfo['classes']) == 2 else None
        return self._mask_threshold

    def _images(self) -> List[str]:
        """Image paths of the dataset."""
        img_dir = self.data_prefix['img_path']
        if not osp.isdir(img_dir):
            raise InvalidDataError(img_dir, 'missing image folder')
        if self.ann_file:
            paths = []
            for stem in read_id_list(self.ann_file):
                for suffix in self.img_suffixes:
                    path = osp.join(img_dir, stem + suffix)
                    if osp.isfile(path):
                        break
                else:
                    path = osp.join(img_dir, stem + self.img_suffixes[0])
                paths.append(path)
            return paths
        names = [
            n for n in sorted(os.listdir(img_dir), key=natural_key)
            if osp.splitext(n)[1].lower() in self.img_suffixes
        ]
        if not names:
            raise InvalidDataError(
                img_dir, f'no images with suffix {self.img_suffixes}')
        return [osp.join(img_dir, n) for n in names]

    def load_data_list(self) -> List[dict]:
        mask_dir = self.data_prefix.get('seg_map_path', '')
        if not osp.isdir(mask_dir):
            raise InvalidDataError(mask_dir, 'missing mask folder')

        def parse(img_path: str) -> dict:
            stem = osp.splitext(osp.basename(img_path))[0]
            seg_map_path = osp.join(mask_dir, stem + self.seg_map_suffix)
            if self.missing_mask == 'background' and not osp.isfile(
                    seg_map_path):
                seg_map_path = None
            return dict(
                img_path=img_path,
                seg_map_path=seg_map_path,
                mask_threshold=self.mask_threshold,
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                seg_fields=[])

        return self._parse_all(self._images(), parse)
