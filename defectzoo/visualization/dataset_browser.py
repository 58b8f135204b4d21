"""Draw dataset samples with their annotations (``browse_dataset.py``).

Works on the stored annotations of any OpenMMLab dataset (``data_list``
entries): ``gt_label`` becomes a caption, ``instances[*]['bbox']`` boxes
with class names and ``seg_map_path`` a coloured overlay.
"""
import os.path as osp
from typing import List, Optional, Sequence

import cv2
import mmcv
import numpy as np

from ..utils.data.validation import read_mask_checked
from ..utils.image_grid import tile_images

_COLORS = [(60, 20, 220), (200, 130, 0), (75, 180, 60), (48, 130, 245),
           (180, 30, 145), (0, 200, 240), (240, 240, 70), (230, 50, 240),
           (60, 245, 210), (195, 255, 170)]  # BGR


def _color(index: int, palette: Optional[Sequence]) -> tuple:
    if palette and index < len(palette):
        r, g, b = palette[index][:3]
        return int(b), int(g), int(r)
    return _COLORS[index % len(_COLORS)]


def _mask_labels(mask: np.ndarray, info: dict) -> np.ndarray:
    threshold = info.get('mask_threshold')
    if threshold is not None:
        return (mask >= threshold).astype(np.uint8)
    return mask


def draw_sample(info: dict,
                metainfo: dict,
                cell_size: int = 256) -> np.ndarray:
    """The image of ``info`` scaled to ``cell_size`` (longest side) with its
    annotations drawn; BGR uint8."""
    classes = list(metainfo.get('classes') or [])
    palette = metainfo.get('palette')
    img = mmcv.imread(info['img_path'], 'color')
    if img is None:
        img = np.zeros((cell_size, cell_size, 3), np.uint8)
    h, w = img.shape[:2]
    scale = cell_size / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)

    def name(label: int) -> str:
        return classes[label] if 0 <= label < len(classes) else str(label)

    if info.get('seg_map_path') and osp.isfile(info['seg_map_path']):
        mask = _mask_labels(read_mask_checked(info['seg_map_path']), info)
        if mask.shape[:2] == (h, w):
            mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
            overlay = img.copy()
            first = 1 if classes[:1] == ['background'] or \
                info.get('mask_threshold') is not None else 0
            for value in np.unique(mask):
                if value < first or value == 255:
                    continue
                overlay[mask == value] = _color(int(value), palette)
                contours, _ = cv2.findContours(
                    (mask == value).astype(np.uint8), cv2.RETR_EXTERNAL,
                    cv2.CHAIN_APPROX_SIMPLE)
                cv2.drawContours(img, contours, -1,
                                 _color(int(value), palette), 1)
            img = cv2.addWeighted(overlay, 0.4, img, 0.6, 0)
    for instance in info.get('instances', ()):
        if 'bbox' not in instance:
            continue
        label = int(instance.get('bbox_label', 0))
        x1, y1, x2, y2 = [int(round(v * scale)) for v in instance['bbox']]
        color = _color(label, palette)
        cv2.rectangle(img, (x1, y1), (x2, y2), color, 1)
        cv2.putText(img, name(label), (x1 + 2, max(y1 - 3, 9)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.35, color, 1, cv2.LINE_AA)
    caption = osp.basename(info['img_path'])
    if 'gt_label' in info:
        labels = [int(v) for v in np.atleast_1d(info['gt_label'])]
        caption = ', '.join(name(v) for v in labels) + ' | ' + caption
    elif info.get('folder_class'):
        caption = f"{info['folder_class']} | {caption}"
    cell = np.full((cell_size + 16, cell_size, 3), 255, np.uint8)
    cell[:img.shape[0], :img.shape[1]] = img
    cv2.putText(cell, caption[:40], (2, cell_size + 12),
                cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1, cv2.LINE_AA)
    return cell


def write_sample_grids(dataset,
                       out_dir: str,
                       num: int = 16,
                       shuffle: bool = False,
                       seed: int = 0,
                       ncols: int = 4,
                       per_grid: int = 16,
                       cell_size: int = 256) -> List[str]:
    """Draw ``num`` samples of ``dataset`` into PNG grids in ``out_dir``.

    Returns:
        the paths written (``grid_000.png`` ...).
    """
    total = len(dataset)
    indices = np.arange(total)
    if shuffle:
        indices = np.random.default_rng(seed).permutation(total)
    indices = indices[:min(num, total)].tolist()
    metainfo = getattr(dataset, 'metainfo', {}) or {}
    paths = []
    for start in range(0, len(indices), per_grid):
        cells = [
            draw_sample(dataset.get_data_info(i), metainfo, cell_size)
            for i in indices[start:start + per_grid]
        ]
        grid = tile_images(cells, ncols, gap=4, pad_value=255)
        path = osp.join(out_dir, f'grid_{len(paths):03d}.png')
        cv2.imwrite(path, grid)
        paths.append(path)
    return paths
