"""Write a folder of radiographs with superimposed ellipsoidal defects, once,
as a COCO data set (the offline twin of ``SuperimposeEllipsoidDefects``)."""
import json
import os
import os.path as osp
import zlib
from typing import List, Optional

import cv2
import numpy as np

from ...utils.data.validation import InvalidDataError, read_image_checked
from ..coco import read_coco_json
from .ellipsoid_defects import find_part_mask, superimpose_ellipsoids

IMAGE_EXTENSIONS = ('.png', '.tif', '.tiff')


def _rle(mask: np.ndarray) -> dict:
    from pycocotools import mask as mask_utils
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    rle['counts'] = rle['counts'].decode('ascii')
    return rle


def _ignore_boxes(ann_file: Optional[str]) -> dict:
    """``{file name: [(xywh, iscrowd)]}`` of a COCO file."""
    if not ann_file:
        return {}
    coco = read_coco_json(ann_file)
    names = {im['id']: osp.basename(im['file_name']) for im in coco['images']}
    out = {}
    for ann in coco.get('annotations', []):
        out.setdefault(names.get(ann['image_id'], ''), []).append(
            (list(ann['bbox']), int(bool(ann.get('iscrowd', 0)))))
    return out


def list_radiographs(in_dir: str) -> List[str]:
    """PNG / TIFF files under ``in_dir`` (recursive, sorted, relative)."""
    if not osp.isdir(in_dir):
        raise InvalidDataError(in_dir, 'input folder does not exist')
    files = sorted(
        osp.relpath(osp.join(d, f), in_dir) for d, _, fs in os.walk(in_dir)
        for f in fs if f.lower().endswith(IMAGE_EXTENSIONS))
    if not files:
        raise InvalidDataError(
            in_dir, f'no radiographs found (searched recursively for '
            f'{", ".join(IMAGE_EXTENSIONS)})')
    return files


def write_superimposed_set(in_dir: str,
                           out_dir: str,
                           seed: int = 0,
                           copies: int = 1,
                           part_mask_dir: Optional[str] = None,
                           ann_file: Optional[str] = None,
                           show_progress: bool = True,
                           **defect_args) -> dict:
    """Superimpose defects on every radiograph of ``in_dir``.

    Writes ``out_dir/images/<stem>_<k>.<ext>`` (same bit depth as the
    input), ``out_dir/annotations.json`` (COCO, one category ``defect``,
    boxes + RLE instance masks; the regions of ``ann_file`` are carried
    over, ``iscrowd=1`` ones stay ignore regions) and
    ``out_dir/part_masks/<stem>.png``. Copy ``k`` of image ``name`` is a
    pure function of ``(seed, name, k)``. ``out_dir`` must be new or empty
    (nothing is overwritten). ``defect_args``: ``superimpose_ellipsoids``
    arguments. Returns the COCO dict.
    """
    from mmengine.utils import ProgressBar
    files = list_radiographs(in_dir)
    if osp.exists(out_dir) and (not osp.isdir(out_dir) or os.listdir(out_dir)):
        raise FileExistsError(
            f'{out_dir} exists and is not an empty folder; choose a new one '
            '(nothing is overwritten)')
    for sub in ('images', 'part_masks'):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
    known = _ignore_boxes(ann_file)
    polarity = defect_args.get('polarity', 'bright')
    images, anns = [], []
    bar = ProgressBar(len(files) * copies) if show_progress else None
    for rel in files:
        path = osp.join(in_dir, rel)
        raw = read_image_checked(path, 'unchanged', what='radiograph')
        if raw.ndim == 3:
            raw = cv2.cvtColor(raw[..., :3], cv2.COLOR_BGR2GRAY)
        h, w = raw.shape
        stem, ext = osp.splitext(rel.replace(os.sep, '__'))
        if part_mask_dir and osp.isfile(
                osp.join(part_mask_dir, stem + '.png')):
            part = read_image_checked(
                osp.join(part_mask_dir, stem + '.png'),
                'grayscale',
                what='part mask') > 0
        else:
            part = find_part_mask(raw, polarity)
        cv2.imwrite(
            osp.join(out_dir, 'part_masks', stem + '.png'),
            part.astype(np.uint8) * 255)
        forbidden = np.zeros((h, w), bool)
        regions = known.get(osp.basename(rel), [])
        for (x, y, bw, bh), _ in regions:
            forbidden[max(int(y), 0):int(np.ceil(y + bh)),
                      max(int(x), 0):int(np.ceil(x + bw))] = True
        for k in range(copies):
            rng = np.random.default_rng(
                [int(seed), zlib.crc32(rel.encode()), k])
            img, defects = superimpose_ellipsoids(
                raw, rng, part_mask=part, forbidden=forbidden, **defect_args)
            name = f'{stem}_{k}{ext}'
            cv2.imwrite(osp.join(out_dir, 'images', name), img)
            image_id = len(images) + 1
            images.append(
                dict(
                    id=image_id, file_name=name, width=w, height=h,
                    source=rel))
            for (x, y, bw, bh), crowd in regions:
                anns.append(
                    dict(
                        id=len(anns) + 1,
                        image_id=image_id,
                        category_id=1,
                        bbox=[x, y, bw, bh],
                        area=bw * bh,
                        iscrowd=crowd))
            for d in defects:
                x1, y1, x2, y2 = d['bbox']
                anns.append(
                    dict(
                        id=len(anns) + 1,
                        image_id=image_id,
                        category_id=1,
                        bbox=[x1, y1, x2 - x1, y2 - y1],
                        area=int(d['mask'].sum()),
                        iscrowd=0,
                        segmentation=_rle(d['mask']),
                        ellipsoid=dict(
                            axes=[round(a, 3) for a in d['axes']],
                            angles=[round(a, 4) for a in d['angles']],
                            mu=round(d['mu'], 5))))
            if bar is not None:
                bar.update()
    coco = dict(
        info=dict(
            description='defectzoo superimposed ellipsoidal defects',
            source_folder=osp.basename(osp.normpath(in_dir)),
            seed=int(seed)),
        licenses=[],
        images=images,
        annotations=anns,
        categories=[dict(id=1, name='defect', supercategory='defect')])
    with open(osp.join(out_dir, 'annotations.json'), 'w') as f:
        json.dump(coco, f)
    return coco
