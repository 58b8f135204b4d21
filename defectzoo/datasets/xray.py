"""X-ray datasets: an unlabelled image folder for self-supervised pretraining
and the synthetic castings detection set (COCO), both able to generate the
synthetic data on first use (:func:`generate_synthetic_xray`)."""
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.utils import scandir

from defectzoo.registry import DATASETS
from ..utils.data.validation import InvalidDataError
from .coco import CocoDetDataset
from .synthetic.writers import generate_synthetic_xray
from .synthetic.xray_castings import CLASSES
from .validated_dataset import ValidatedDatasetMixin

XRAY_EXTENSIONS = ('.png', '.tif', '.tiff', '.jpg', '.jpeg', '.bmp')


@DATASETS.register_module()
class XRayImageFolder(ValidatedDatasetMixin, BaseDataset):
    """Unlabelled X-ray images, listed recursively, for self-supervision.

    Every ``.png/.tif/.tiff/.jpg/.jpeg/.bmp`` file under the folder (sorted)
    becomes ``dict(img_path=...)``; load it with ``LoadXRayImage``. Each
    file is checked as in every defectzoo dataset (``check_images``,
    ``skip_invalid``, ``max_pixels``, ``min_size``): 8/16-bit or float,
    1/3/4 channels.

    Args:
        data_root: the folder of images, or with ``synthetic`` the root of
            the synthetic data set (e.g. ``'data/synthetic_xray'``).
        synthetic: ``None`` to list ``data_root`` (+ ``data_prefix``) as is,
            or a dict of :func:`generate_synthetic_xray` arguments
            (``num_unlabelled``, ``num_train``, ``num_val``, ``img_size``,
            ``seed``, ...): the set is generated once into ``data_root``
            and ``data_root/<split>`` is listed.
        split: synthetic sub-folder to list, ``'unlabelled'`` (default),
            ``'train'`` or ``'val'``; ignored when ``synthetic=None``.
        extensions: file suffixes to list (case-insensitive).
        skip_invalid: skip bad images with one summary warning.
        check_images: ``'none'`` | ``'header'`` | ``'full'``.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments
            (``pipeline``, ``data_prefix=dict(img_path=...)``, ...).

    To pretrain on your own radiographs instead of the synthetic default::

        --cfg-options train_dataloader.dataset.data_root=/my/xrays \\
                      train_dataloader.dataset.synthetic=None
    """

    METAINFO = dict(classes=())
    IMG_DEPTHS = (np.uint8, np.uint16, np.float32)  # as LoadXRayImage

    def __init__(self,
                 data_root: str = '',
                 synthetic: Optional[dict] = None,
                 split: str = 'unlabelled',
                 extensions: Sequence[str] = XRAY_EXTENSIONS,
                 data_prefix: Optional[dict] = None,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        self.synthetic = None if synthetic is None else dict(synthetic)
        self.split = split
        self.extensions = tuple(e.lower() for e in extensions)
        if data_prefix is None:
            data_prefix = dict(img_path=split if synthetic is not None else '')
        super().__init__(
            ann_file='',
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Generate the synthetic set if asked, then list the images."""
        if self.synthetic is not None:
            generate_synthetic_xray(self.data_root, **self.synthetic)
        folder = self.data_prefix['img_path'] or self.data_root
        if not folder:
            raise ValueError('XRayImageFolder needs data_root (a folder of '
                             'X-ray images)')
        if not osp.isdir(folder):
            raise InvalidDataError(folder, 'X-ray image folder does not '
                                   'exist')
        files = sorted(
            scandir(
                folder, self.extensions, recursive=True, case_sensitive=False))
        if not files:
            raise InvalidDataError(
                folder, f'no images found (searched recursively for '
                f'{", ".join(self.extensions)})')
        return self._parse_all(files,
                               lambda f: dict(img_path=osp.join(folder, f)))


@DATASETS.register_module()
class SyntheticXRayDetDataset(CocoDetDataset):
    """Synthetic X-ray castings detection (classes ``critical``, ``minor``).

    Generates the data set into ``data_root`` on first use (reused after;
    see :func:`generate_synthetic_xray` for the layout and the class rule),
    then loads ``annotations/{split}.json`` with images in ``{split}/`` as
    :class:`~defectzoo.datasets.CocoDetDataset` (boxes, RLE masks; the file
    and the images are validated, ``skip_invalid`` / ``check_images``).

    Args:
        data_root: root of the synthetic set.
        split: ``'train'`` or ``'val'``.
        synthetic: :func:`generate_synthetic_xray` arguments (``{}`` =
            defaults); ``None`` loads an existing set without generating.
        **kwargs: :class:`~defectzoo.datasets.CocoDetDataset` arguments;
            ``ann_file`` / ``data_prefix`` default from ``split``.
    """

    METAINFO = dict(classes=CLASSES, palette=[(220, 20, 60), (255, 165, 0)])

    def __init__(
            self,
            data_root: str = 'data/synthetic_xray',
            split: str = 'train',
            synthetic: Optional[dict] = {},  # noqa: B006 (not mutated)
            ann_file: str = '',
            data_prefix: Optional[dict] = None,
            **kwargs):
        self.synthetic = None if synthetic is None else dict(synthetic)
        self.split = split
        super().__init__(
            data_root=data_root,
            ann_file=ann_file or f'annotations/{split}.json',
            data_prefix=data_prefix or dict(img=f'{split}/'),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Generate the synthetic set if needed, then load the COCO file."""
        if self.synthetic is not None:
            generate_synthetic_xray(self.data_root, **self.synthetic)
        return super().load_data_list()


@DATASETS.register_module()
class XRayDefectClsDataset(BaseDataset):
    """Image-level 2-class labels from an X-ray detection set, for the
    paper's frozen-backbone linear probe (critical vs minor).

    Rule: an image is ``critical`` (label 0) when it holds at least one
    box of class ``positive_class`` and ``minor`` (label 1) when all its
    boxes are of other classes (for the synthetic set: only minor pores /
    voids / cavities). Images without any box are left out
    (``skip_empty=True``) or labelled ``minor``.

    Args:
        data_root: root of the COCO set (the synthetic one is generated on
            first use, as :class:`SyntheticXRayDetDataset`).
        split: ``'train'`` / ``'val'``: ``annotations/{split}.json`` with
            images in ``{split}/`` unless ``ann_file`` / ``img_prefix``.
        synthetic: generator arguments (``{}`` = defaults), or ``None`` for
            an existing COCO set.
        positive_class: detection class that makes an image ``critical``.
        skip_empty: drop images without boxes.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments
            (``pipeline``, ``test_mode``, ...).
    """

    METAINFO = dict(classes=('critical', 'minor'))

    def __init__(
            self,
            data_root: str = 'data/synthetic_xray',
            split: str = 'train',
            synthetic: Optional[dict] = {},  # noqa: B006 (not mutated)
            ann_file: str = '',
            img_prefix: str = '',
            positive_class: str = 'critical',
            skip_empty: bool = True,
            **kwargs):
        self.synthetic = None if synthetic is None else dict(synthetic)
        self.split = split
        self.img_prefix = img_prefix or split
        self.positive_class = positive_class
        self.skip_empty = skip_empty
        super().__init__(
            ann_file=ann_file or f'annotations/{split}.json',
            data_root=data_root,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """One ``dict(img_path, gt_label)`` per image."""
        import json
        if self.synthetic is not None:
            generate_synthetic_xray(self.data_root, **self.synthetic)
        with open(self.ann_file) as f:
            coco = json.load(f)
        cats = {c['id']: c['name'] for c in coco['categories']}
        if self.positive_class not in cats.values():
            raise InvalidDataError(
                self.ann_file, f'no category named '
                f'{self.positive_class!r}')
        names = {}
        for ann in coco['annotations']:
            names.setdefault(ann['image_id'],
                             set()).add(cats[ann['category_id']])
        folder = osp.join(self.data_root, self.img_prefix)
        data = []
        for img in sorted(coco['images'], key=lambda i: i['id']):
            found = names.get(img['id'], set())
            if not found and self.skip_empty:
                continue
            label = 0 if self.positive_class in found else 1
            data.append(
                dict(
                    img_path=osp.join(folder, img['file_name']),
                    gt_label=label))
        return data
