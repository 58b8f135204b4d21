"""Severstal steel defect detection (Kaggle 2019): CSV of RLE masks.

On disk (as downloaded from Kaggle)::

    severstal/
        train.csv          ImageId,ClassId,EncodedPixels
        train_images/      0002cc93b.jpg ... (1600 x 256)

Each CSV row is one (image, class) mask, run-length encoded top-to-bottom
then left-to-right with 1-based pixel numbers
(:mod:`defectzoo.utils.data.rle`).
Classes are 1..4; images with no row are defect-free. The first release's
``ImageId_ClassId,EncodedPixels`` layout (four rows per image, empty
``EncodedPixels`` when absent) is read too.

``tools/dataset_converters/severstal_to_masks.py`` turns the CSV into
class-index mask PNGs (0 = background, 1..4 = ``ClassId``) read by
:class:`SeverstalSegDataset`; :class:`SeverstalClsDataset` reads the CSV
directly and gives the multi-label "which defects are in this image" labels.
"""
import csv
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import MultiLabelDataset
from mmseg.datasets import BaseSegDataset

from defectzoo.registry import DATASETS
from ..utils.data.rle import RLEError, rle_decode
from ..utils.data.validation import InvalidDataError, InvalidSampleLog

SEVERSTAL_NUM_CLASSES = 4
SEVERSTAL_CLASSES = tuple(f'defect_{i}'
                          for i in range(1, SEVERSTAL_NUM_CLASSES + 1))
SEVERSTAL_PALETTE = [(0, 0, 0), (230, 25, 75), (60, 180, 75), (255, 225, 25),
                     (0, 130, 200)]
IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')

# One mask row: (ClassId, EncodedPixels, CSV line number)
MaskRow = Tuple[int, str, int]


def read_severstal_csv(
    path: str,
    num_classes: int = SEVERSTAL_NUM_CLASSES,
    log: Optional[InvalidSampleLog] = None
) -> 'OrderedDict[str, List[MaskRow]]':
    """Read a Severstal CSV into ``{ImageId: [(ClassId, rle, line), ...]}``.

    Rows with an empty ``EncodedPixels`` (first-release layout) list the
    image with no mask for that class. Images are in file order.

    Raises:
        InvalidDataError: missing file, unknown header, an unknown or
            non-integer ``ClassId`` (recorded in ``log`` when it skips).
    """
    if not osp.isfile(path):
        raise InvalidDataError(path, 'missing Severstal CSV file')
    log = log or InvalidSampleLog('Severstal', skip_invalid=False)
    out: 'OrderedDict[str, List[MaskRow]]' = OrderedDict()
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader, [])]
        if header[:3] == ['ImageId', 'ClassId', 'EncodedPixels']:
            old_layout = False
        elif header[:2] == ['ImageId_ClassId', 'EncodedPixels']:
            old_layout = True
        else:
            raise InvalidDataError(
                path, f'unknown CSV header {header}; expected '
                '"ImageId,ClassId,EncodedPixels"')
        for line_no, row in enumerate(reader, 2):
            if not row or not ''.join(row).strip():
                continue
            if old_layout:
                key, rle = row[0], (row[1] if len(row) > 1 else '')
                image_id, _, class_str = key.rpartition('_')
            else:
                if len(row) < 2:
                    log.record(
                        InvalidDataError(
                            path, f'line {line_no}: expected 3 columns, found '
                            f'{len(row)}: {row}'))
                    continue
                image_id, class_str = row[0], row[1]
                rle = row[2] if len(row) > 2 else ''
            image_id = image_id.strip()
            # listed even if the row is skipped below: it is not defect-free
            rows = out.setdefault(image_id, [])
            try:
                class_id = int(class_str)
            except ValueError:
                class_id = None
            if class_id is None or not 1 <= class_id <= num_classes:
                log.record(
                    InvalidDataError(
                        path, f'unknown ClassId: line {line_no} (image '
                        f'{image_id}) has ClassId {class_str!r}; known '
                        f'ClassIds are 1..{num_classes}'))
                continue
            if rle.strip():
                rows.append((class_id, rle.strip(), line_no))
    return out


def severstal_class_mask(rows: Sequence[MaskRow],
                         shape: Tuple[int, int],
                         csv_path: str,
                         image_id: str = '') -> Tuple[np.ndarray, int]:
    """Class-index mask (0 = background, ``ClassId`` elsewhere) of one image.

    Where masks of two classes overlap the larger ``ClassId`` wins.

    Returns:
        ``(mask uint8 (H, W), number of overlapping pixels)``.

    Raises:
        InvalidDataError: an RLE that runs past the image or is malformed;
            the message names the CSV, the line and the image.
    """
    mask = np.zeros(shape[:2], dtype=np.uint8)
    overlap = 0
    for class_id, rle, line_no in sorted(rows):
        try:
            m = rle_decode(rle, shape[:2]).astype(bool)
        except RLEError as err:
            raise InvalidDataError(
                csv_path, f'bad RLE: line {line_no} (image {image_id}, '
                f'ClassId {class_id}, image {shape[1]}x{shape[0]}): {err}'
            ) from None
        overlap += int(np.count_nonzero(mask[m]))
        mask[m] = class_id
    return mask, overlap


def image_size(path: str) -> Tuple[int, int]:
    """``(height, width)`` from the image header, with a named error."""
    from PIL import Image
    if not osp.isfile(path):
        raise InvalidDataError(path, 'missing image file')
    try:
        with Image.open(path) as im:
            w, h = im.size
    except Exception as exc:  # PIL raises several types
        raise InvalidDataError(path, f'unreadable image ({exc})') from None
    return h, w


def list_images(img_dir: str) -> Dict[str, str]:
    """``{file name: stem}`` of the images directly in ``img_dir``."""
    if not osp.isdir(img_dir):
        raise InvalidDataError(img_dir, 'missing image folder')
    return {
        n: osp.splitext(n)[0]
        for n in sorted(os.listdir(img_dir))
        if n.lower().endswith(IMG_EXTENSIONS)
    }


@DATASETS.register_module()
class SeverstalSegDataset(BaseSegDataset):
    """Severstal semantic segmentation from class-index mask PNGs.

    The masks come from ``tools/dataset_converters/severstal_to_masks.py``
    (0 = background, 1..4 = ``ClassId``). ``ann_file`` may be one of its
    split files (image names without suffix, one per line); empty means
    every image in ``data_prefix.img_path``.

    Args:
        skip_invalid: skip images whose mask PNG is missing (with one
            summary warning) instead of raising :class:`InvalidDataError`.
        **kwargs: those of :class:`mmseg.datasets.BaseSegDataset`.
    """

    METAINFO = dict(
        classes=('background', ) + SEVERSTAL_CLASSES,
        palette=SEVERSTAL_PALETTE)

    def __init__(self,
                 img_suffix: str = '.jpg',
                 seg_map_suffix: str = '.png',
                 reduce_zero_label: bool = False,
                 skip_invalid: bool = False,
                 **kwargs):
        self.skip_invalid = skip_invalid
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        log = InvalidSampleLog(type(self).__name__, self.skip_invalid)
        img_dir = self.data_prefix.get('img_path', '')
        if not osp.isdir(img_dir):
            raise InvalidDataError(img_dir, 'missing image folder')
        data_list = []
        for info in super().load_data_list():
            try:
                if not osp.isfile(info['img_path']):
                    raise InvalidDataError(info['img_path'],
                                           'missing image file')
                seg = info.get('seg_map_path')
                if seg is not None and not osp.isfile(seg):
                    raise InvalidDataError(
                        seg, 'missing mask PNG (run tools/dataset_converters/'
                        'severstal_to_masks.py)')
            except InvalidDataError as err:
                log.record(err)
                continue
            data_list.append(info)
        log.summary()
        return data_list


@DATASETS.register_module()
class SeverstalClsDataset(MultiLabelDataset):
    """Severstal as multi-label image classification, read from the CSV.

    ``gt_label`` lists the 0-based class indices (``ClassId - 1``) present in
    the image; a defect-free image has ``gt_label=[]``.

    Args:
        ann_file: the CSV (``train.csv``).
        data_prefix: the image folder (``train_images``).
        image_list: optional text file of image names without suffix (a
            split file of ``severstal_to_masks.py``); only those images.
        with_defect_free: also list the images of the folder that have no
            CSV row (defect-free). Default True.
        skip_invalid: skip rows with an unknown ``ClassId`` and CSV images
            missing from the folder (with one summary warning) instead of
            raising :class:`InvalidDataError`.
        **kwargs: those of :class:`mmpretrain.datasets.MultiLabelDataset`.
    """

    METAINFO = dict(classes=SEVERSTAL_CLASSES)

    def __init__(self,
                 ann_file: str = 'train.csv',
                 data_prefix: str = 'train_images',
                 image_list: Optional[str] = None,
                 with_defect_free: bool = True,
                 skip_invalid: bool = False,
                 **kwargs):
        self.image_list = image_list
        self.with_defect_free = with_defect_free
        self.skip_invalid = skip_invalid
        super().__init__(ann_file=ann_file, data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        log = InvalidSampleLog(type(self).__name__, self.skip_invalid)
        rows = read_severstal_csv(self.ann_file, len(self.CLASSES), log)
        img_dir = self.img_prefix
        files = list_images(img_dir)
        stems = {s: n for n, s in files.items()}
        wanted = None
        if self.image_list:
            path = self.image_list
            if self.data_root and not osp.isabs(path):
                path = osp.join(self.data_root, path)
            if not osp.isfile(path):
                raise InvalidDataError(path, 'missing image list file')
            with open(path, encoding='utf-8') as f:
                wanted = {ln.strip() for ln in f if ln.strip()}

        def keep(stem):
            return wanted is None or stem in wanted

        data_list = []
        for image_id, masks in rows.items():
            stem = osp.splitext(image_id)[0]
            if not keep(stem):
                continue
            name = image_id if image_id in files else stems.get(stem)
            if name is None:
                log.record(
                    InvalidDataError(
                        osp.join(img_dir, image_id),
                        f'missing image: listed in {self.ann_file}, line '
                        f'{masks[0][2] if masks else "?"}, but not in the '
                        'image folder'))
                continue
            labels = sorted({c - 1 for c, _, _ in masks})
            data_list.append(
                dict(img_path=osp.join(img_dir, name), gt_label=labels))
        if self.with_defect_free:
            listed = {osp.splitext(i)[0] for i in rows}
            for name, stem in files.items():
                if stem not in listed and keep(stem):
                    data_list.append(
                        dict(img_path=osp.join(img_dir, name), gt_label=[]))
        log.summary()
        return sorted(data_list, key=lambda d: d['img_path'])
