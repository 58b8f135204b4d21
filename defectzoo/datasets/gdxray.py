"""GDXray Castings (Mery et al. 2015): reading the series folders and
converting them to COCO, plus the registered COCO dataset.

On disk::

    Castings/
        C0001/
            C0001_0001.png  C0001_0002.png ...   (8-bit grayscale)
            ground_truth.txt                     (only annotated series)
        C0002/ ...

``ground_truth.txt`` has one row per box, ``image_index x1 x2 y1 y2``: the
image number ``yyyy`` of ``Cxxxx_yyyy.png`` and the box corners in MATLAB
pixel coordinates (1-based, inclusive), **x before y and both x first**.
MATLAB's ``save -ascii`` writes them as floats (``1.0000000e+00``), which is
accepted. A box covering columns ``x1..x2`` and rows ``y1..y2`` becomes the
COCO box ``[x1 - 1, y1 - 1, x2 - x1 + 1, y2 - y1 + 1]`` (0-based, continuous).

``tools/dataset_converters/gdxray_to_coco.py`` is the command-line front end
of :func:`gdxray_castings_to_coco`.
"""
import os
import os.path as osp
import re
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from defectzoo.registry import DATASETS
from ..utils.data.validation import (InvalidDataError, InvalidSampleLog,
                                     check_box, read_image_checked)
from .coco import CocoDetDataset

GT_FILE = 'ground_truth.txt'
SERIES_RE = re.compile(r'^C\d{4}$')


def _image_name(series: str, index: int) -> str:
    return f'{series}_{index:04d}.png'


def list_castings_series(root: str) -> List[str]:
    """Names of the series folders (``C0001`` ...) under ``root``, sorted."""
    if not osp.isdir(root):
        raise InvalidDataError(root, 'missing GDXray Castings folder')
    return sorted(
        d for d in os.listdir(root)
        if SERIES_RE.match(d) and osp.isdir(osp.join(root, d)))


def list_series_images(series_dir: str) -> Dict[int, str]:
    """``{image_index: file name}`` of the ``Cxxxx_yyyy.png`` in a series."""
    series = osp.basename(osp.normpath(series_dir))
    pattern = re.compile(rf'^{series}_(\d+)\.png$', re.IGNORECASE)
    images = {}
    for name in sorted(os.listdir(series_dir)):
        m = pattern.match(name)
        if m:
            images[int(m.group(1))] = name
    return images


def read_ground_truth(path: str) -> List[Tuple[int, Tuple[float, ...]]]:
    """Parse a GDXray ``ground_truth.txt``.

    Returns:
        list of ``(image_index, (x1, x2, y1, y2))`` in the file's 1-based
        MATLAB coordinates, in file order.

    Raises:
        InvalidDataError: a row without 5 numbers or with a non-integer
            image index; the message names the file and the line.
    """
    rows = []
    with open(path, encoding='utf-8') as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith(('#', '%')):
                continue
            tokens = line.replace(',', ' ').split()
            try:
                values = [float(t) for t in tokens]
            except ValueError:
                raise InvalidDataError(
                    path, f'line {line_no}: not numeric: {line!r}') from None
            if len(values) != 5:
                raise InvalidDataError(
                    path, f'line {line_no}: expected 5 values '
                    f'"image_index x1 x2 y1 y2", found {len(values)}: '
                    f'{line!r}')
            index = values[0]
            if index != int(index) or index < 1:
                raise InvalidDataError(
                    path, f'line {line_no}: image index {index:g} is not a '
                    'positive integer')
            rows.append((int(index), tuple(values[1:])))
    return rows


def matlab_box_to_xyxy(x1: float, x2: float, y1: float,
                       y2: float) -> List[float]:
    """1-based inclusive ``x1 x2 y1 y2`` → 0-based continuous ``x1 y1 x2 y2``.

    >>> matlab_box_to_xyxy(10, 20, 5, 8)
    [9.0, 4.0, 20.0, 8.0]
    """
    return [float(x1) - 1, float(y1) - 1, float(x2), float(y2)]


def gdxray_castings_to_coco(root: str,
                            series: Optional[Sequence[str]] = None,
                            include_unannotated: bool = False,
                            skip_invalid: bool = False,
                            log: Optional[InvalidSampleLog] = None) -> dict:
    """Build one COCO dict (single class ``defect``) from GDXray Castings.

    Args:
        root: the ``Castings`` folder.
        series: series to convert; default all series found.
        include_unannotated: also list the images of series without a
            ``ground_truth.txt`` (no annotations: an unlabelled pool).
            Images of an annotated series without rows are always listed,
            as defect-free images.
        skip_invalid: skip bad boxes / rows instead of raising.
        log: collects skipped problems (created if not given; its
            :meth:`~InvalidSampleLog.summary` is left to the caller).

    Raises:
        InvalidDataError: box outside the image, zero-area box, an image
            index with no file, an unreadable image (with
            ``skip_invalid=False``).
    """
    log = log or InvalidSampleLog('GDXray Castings', skip_invalid)
    all_series = list_castings_series(root)
    if series is None:
        series = all_series
    missing = sorted(set(series) - set(all_series))
    if missing:
        raise InvalidDataError(root, f'series not found: {missing}')

    images, annotations = [], []
    for s in sorted(series):
        sdir = osp.join(root, s)
        gt_path = osp.join(sdir, GT_FILE)
        annotated = osp.isfile(gt_path)
        if not annotated and not include_unannotated:
            continue
        files = list_series_images(sdir)
        rows_by_image: Dict[int, List[Tuple[int, tuple]]] = defaultdict(list)
        if annotated:
            for row_no, (index, box) in enumerate(read_ground_truth(gt_path)):
                if index not in files:
                    log.record(
                        InvalidDataError(
                            gt_path,
                            f'image index with no file: row {row_no + 1}'
                            f' refers to image {index}, but '
                            f'{osp.join(sdir, _image_name(s, index))} '
                            'does not exist'))
                    continue
                rows_by_image[index].append((row_no + 1, box))
        for index, name in sorted(files.items()):
            path = osp.join(sdir, name)
            try:
                img = read_image_checked(
                    path, allowed_depths=(np.uint8, ), allowed_channels=(1, 3))
            except InvalidDataError as err:
                log.record(err)
                continue
            h, w = img.shape[:2]
            image_id = len(images) + 1
            images.append(
                dict(
                    id=image_id,
                    file_name=f'{s}/{name}',
                    width=w,
                    height=h,
                    series=s,
                    annotated=annotated))
            for row_no, (x1, x2, y1, y2) in rows_by_image.get(index, []):
                xyxy = matlab_box_to_xyxy(x1, x2, y1, y2)
                try:
                    check_box(xyxy, (h, w), gt_path, tol=0.5)
                except InvalidDataError as err:
                    log.record(
                        InvalidDataError(
                            gt_path, f'{err.problem} (row {row_no}, image '
                            f'{name}; file values x1 x2 y1 y2 = '
                            f'{x1:g} {x2:g} {y1:g} {y2:g})'))
                    continue
                bx1, by1 = max(xyxy[0], 0.), max(xyxy[1], 0.)
                bx2, by2 = min(xyxy[2], float(w)), min(xyxy[3], float(h))
                bw, bh = bx2 - bx1, by2 - by1
                annotations.append(
                    dict(
                        id=len(annotations) + 1,
                        image_id=image_id,
                        category_id=1,
                        bbox=[bx1, by1, bw, bh],
                        area=bw * bh,
                        iscrowd=0))
    return dict(
        info=dict(description='GDXray Castings (converted by defectzoo)'),
        images=images,
        annotations=annotations,
        categories=[dict(id=1, name='defect', supercategory='defect')])


def split_coco_by_series(coco: dict,
                         test_series: Sequence[str]) -> Tuple[dict, dict]:
    """Split a COCO dict from :func:`gdxray_castings_to_coco` by series.

    Whole series go to one side so that views of one casting never appear
    in both training and test data.
    """
    test_series = set(test_series)
    parts = []
    for in_test in (False, True):
        imgs = [
            im for im in coco['images']
            if (im['series'] in test_series) == in_test
        ]
        ids = {im['id'] for im in imgs}
        anns = [a for a in coco['annotations'] if a['image_id'] in ids]
        parts.append(dict(coco, images=imgs, annotations=anns))
    return parts[0], parts[1]


def pick_test_series(series: Sequence[str],
                     fraction: float,
                     seed: int = 0) -> List[str]:
    """A seeded random ``fraction`` of the series (at least one)."""
    if not 0 < fraction < 1:
        raise ValueError(f'test fraction must be in (0, 1), got {fraction}')
    series = sorted(series)
    n = max(1, int(round(fraction * len(series))))
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(series, size=n, replace=False).tolist())


@DATASETS.register_module()
class GDXrayCastingsDataset(CocoDetDataset):
    """GDXray Castings in COCO format (single class ``defect``).

    Make the annotation files with
    ``tools/dataset_converters/gdxray_to_coco.py``; ``data_prefix.img`` is
    the ``Castings`` folder, since ``file_name`` is ``Cxxxx/Cxxxx_yyyy.png``.
    The file and the images are validated as by
    :class:`~defectzoo.datasets.CocoDetDataset`, whose arguments
    (``skip_invalid``, ``check_images``, mmdet's ``CocoDataset`` ones) it
    takes.
    """

    METAINFO = dict(classes=('defect', ), palette=[(220, 20, 60)])
