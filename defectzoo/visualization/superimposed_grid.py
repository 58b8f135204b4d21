"""A picture of superimposed defects: per image the whole radiograph with
its boxes, then zoomed pairs *before | after* of its first defects."""
import json
import os.path as osp

import cv2
import numpy as np

from ..utils.image_grid import tile_images

RED = (40, 40, 230)


def _display(img: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The same linear window for both images of a pair, as 8-bit BGR."""
    out = (img.astype(np.float32) - lo) * (255 / max(hi - lo, 1e-6))
    return cv2.cvtColor(
        np.clip(np.rint(out), 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def _zoom(img: np.ndarray, box, cell: int, ctx: int = 24) -> np.ndarray:
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    side = max(x2 - x1, y2 - y1) + 2 * ctx
    cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
    h, w = img.shape[:2]
    x0 = int(np.clip(cx - side // 2, 0, max(w - side, 0)))
    y0 = int(np.clip(cy - side // 2, 0, max(h - side, 0)))
    crop = img[y0:y0 + side, x0:x0 + side]
    return cv2.resize(crop, (cell, cell), interpolation=cv2.INTER_NEAREST)


def save_superimposed_grid(out_dir: str,
                           path: str,
                           num: int = 8,
                           cell: int = 192,
                           zooms: int = 3,
                           source_dir: str = None) -> np.ndarray:
    """Draw the first ``num`` images of a ``superimpose_defects.py`` output
    folder; ``source_dir`` (its input folder) adds the *before* zooms."""
    with open(osp.join(out_dir, 'annotations.json')) as f:
        coco = json.load(f)
    rows = []
    for info in coco['images'][:num]:
        img = cv2.imread(
            osp.join(out_dir, 'images', info['file_name']),
            cv2.IMREAD_UNCHANGED)
        if img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        lo, hi = np.percentile(img, (0.5, 99.5))
        after = _display(img, lo, hi)
        before = None
        if source_dir and info.get('source'):
            src = cv2.imread(
                osp.join(source_dir, info['source']), cv2.IMREAD_UNCHANGED)
            if src is not None:
                if src.ndim == 3:
                    src = cv2.cvtColor(src, cv2.COLOR_BGR2GRAY)
                before = _display(src, lo, hi)
        boxes = [(a['bbox'][0], a['bbox'][1], a['bbox'][0] + a['bbox'][2],
                  a['bbox'][1] + a['bbox'][3]) for a in coco['annotations']
                 if a['image_id'] == info['id'] and not a['iscrowd']]
        full = after.copy()
        for x1, y1, x2, y2 in boxes:
            cv2.rectangle(full, (int(x1) - 3, int(y1) - 3),
                          (int(np.ceil(x2)) + 2, int(np.ceil(y2)) + 2), RED, 2)
        scale = cell / max(full.shape[:2])
        cells = [
            cv2.resize(
                full, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ]
        for box in boxes[:zooms]:
            if before is not None:
                cells.append(_zoom(before, box, cell))
            cells.append(_zoom(after, box, cell))
        rows.append(tile_images(cells, len(cells), gap=4, pad_value=255))
    if not rows:
        raise ValueError(f'no images in {out_dir}/annotations.json')
    grid = tile_images(rows, 1, gap=4, pad_value=255)
    cv2.imwrite(path, grid)
    return grid
