"""Sliced (tiled) detection on large images, e.g. whole radiographs.

An image larger than the tile in either side is cut into ``tile x tile``
windows overlapping by ``overlap`` pixels (:func:`tile_windows`; the last
window of a row / column is shifted to end at the image border), the
detector runs on every window, and :func:`merge_tiles` puts the boxes back
into image coordinates and merges them:

1. a box cut by an inner window edge is dropped when another window holds
   it whole, reaches past that edge, and found a box of the same class
   covering at least half of it there (the defect seen further; with plain
   NMS the cut part of a defect crossing a window edge survives as a second
   box whenever its IoU with the whole box is under the NMS threshold);
2. class-wise NMS (``mmcv.ops.batched_nms``) at the model's test-time NMS
   IoU threshold, at most ``max_per_img`` boxes.

A defect is found once when the overlap is at least its size; a larger
defect may be reported in two parts. mmdet's ``merge_results_by_nms``
(``mmdet.utils.large_image``) needs ``sahi`` and keeps cut boxes, so it is
not used here.
"""
import numbers
from typing import List, NamedTuple, Optional, Sequence, Tuple

import torch
from mmcv.ops import batched_nms
from mmdet.structures.bbox import bbox_overlaps
from mmengine.structures import InstanceData

#: Smallest tile side accepted.
MIN_TILE = 32
#: NMS IoU threshold when the model's test_cfg has none.
DEFAULT_IOU_THR = 0.6
#: A box ending this close (px) to an inner window edge counts as cut.
EDGE_PX = 2.0
#: Fraction of a cut box a same-class box of the other window must cover.
COVER = 0.5

Window = Tuple[int, int, int, int]


class TilingError(ValueError):
    """Invalid tile / overlap, or tiling asked of a model without boxes."""


class TiledImage(NamedTuple):
    """A large image cut into windows: the model input of each window,
    the windows, the image's ``(height, width)`` and its metainfo."""
    inputs: list
    windows: List[Window]
    shape: Tuple[int, int]
    metainfo: dict


def check_tiling(tile, overlap) -> None:
    """Raise :class:`TilingError` unless ``tile`` is an integer >=
    :data:`MIN_TILE` and ``0 <= overlap < tile``."""
    if isinstance(tile, bool) or not isinstance(tile, numbers.Integral) \
            or tile < MIN_TILE:
        raise TilingError(
            f'tile must be an integer >= {MIN_TILE} (px), got {tile!r}')
    if isinstance(overlap, bool) or not isinstance(
            overlap, numbers.Integral) or not 0 <= overlap < tile:
        raise TilingError(f'overlap must be an integer in 0..{tile - 1} '
                          f'(0 <= overlap < tile = {tile}), got {overlap!r}')


def _starts(length: int, tile: int, stride: int) -> List[int]:
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile + 1, stride))
    if starts[-1] + tile < length:
        starts.append(length - tile)  # the last one ends at the border
    return starts


def tile_windows(height: int, width: int, tile: int,
                 overlap: int) -> List[Window]:
    """``(x0, y0, x1, y1)`` windows covering the image, row by row; sides
    shorter than ``tile`` are taken whole."""
    check_tiling(tile, overlap)
    ys = _starts(height, tile, tile - overlap)
    xs = _starts(width, tile, tile - overlap)
    return [(x, y, min(x + tile, width), min(y + tile, height)) for y in ys
            for x in xs]


def nms_settings(test_cfg) -> Tuple[float, Optional[int]]:
    """``(iou_threshold, max_per_img)`` of a detector's ``test_cfg``
    (two-stage: its ``rcnn`` part); :data:`DEFAULT_IOU_THR` and no limit
    where it has none."""
    cfg = dict(test_cfg or {})
    cfg = dict(cfg.get('rcnn') or cfg)
    nms = cfg.get('nms') or {}
    iou = nms.get('iou_threshold', nms.get('iou_thr', DEFAULT_IOU_THR))
    return float(iou), cfg.get('max_per_img')


def _cut_sides(boxes: torch.Tensor, win: Window, height: int,
               width: int) -> torch.Tensor:
    """(N, 4) bool: the box reaches the window's left / top / right /
    bottom edge and that edge is not the image border."""
    x0, y0, x1, y1 = win
    return torch.stack([(boxes[:, 0] <= x0 + EDGE_PX) & (x0 > 0),
                        (boxes[:, 1] <= y0 + EDGE_PX) & (y0 > 0),
                        (boxes[:, 2] >= x1 - EDGE_PX) & (x1 < width),
                        (boxes[:, 3] >= y1 - EDGE_PX) & (y1 < height)],
                       dim=1)


def _seen_further(boxes: torch.Tensor, cut: torch.Tensor, win: Window,
                  other: Window) -> torch.Tensor:
    """(N, ) bool: window ``other`` holds the box and reaches past each of
    its cut edges in ``win``."""
    ox0, oy0, ox1, oy1 = other
    x0, y0, x1, y1 = win
    inside = (boxes[:, 0] >= ox0) & (boxes[:, 1] >= oy0) & \
        (boxes[:, 2] <= ox1) & (boxes[:, 3] <= oy1)
    past = torch.tensor([ox0 < x0, oy0 < y0, ox1 > x1, oy1 > y1],
                        device=boxes.device)
    return inside & (past | ~cut).all(dim=1)


def drop_cut_boxes(parts: Sequence[InstanceData], windows: Sequence[Window],
                   height: int, width: int) -> List[InstanceData]:
    """Per window, its boxes (image coordinates) without those cut by an
    inner edge that another window sees further (module doc, step 1)."""
    out = []
    for i, (inst, win) in enumerate(zip(parts, windows)):
        cut = _cut_sides(inst.bboxes, win, height, width)
        drop = cut.new_zeros(len(inst))
        for j, (other, other_win) in enumerate(zip(parts, windows)):
            todo = cut.any(dim=1) & ~drop
            if j == i or not todo.any() or not len(other):
                continue
            further = todo & _seen_further(inst.bboxes, cut, win, other_win)
            if not further.any():
                continue
            cover = bbox_overlaps(inst.bboxes, other.bboxes, mode='iof')
            same = inst.labels[:, None] == other.labels[None, :]
            drop |= further & ((cover >= COVER) & same).any(dim=1)
        out.append(inst[~drop])
    return out


def merge_tiles(parts: Sequence[InstanceData],
                windows: Sequence[Window],
                height: int,
                width: int,
                iou_thr: float = DEFAULT_IOU_THR,
                max_per_img: Optional[int] = None) -> InstanceData:
    """Merge the ``pred_instances`` of the windows (their own coordinates)
    into those of the ``height x width`` image (module doc). Instance
    masks, if any, are pasted into image-sized masks."""
    shifted = []
    for inst, (x0, y0, x1, y1) in zip(parts, windows):
        inst = inst.clone()
        inst.bboxes = inst.bboxes + inst.bboxes.new_tensor([x0, y0, x0, y0])
        shifted.append(inst)
    kept = drop_cut_boxes(shifted, windows, height, width)
    masks = [p.masks if 'masks' in p else None for p in kept]
    for p in kept:
        if 'masks' in p:
            del p.masks
    # window and index in it of each box, to paste its mask
    src = torch.cat([torch.full((len(p), ), i) for i, p in enumerate(kept)])
    idx = torch.cat([torch.arange(len(p)) for p in kept])
    merged = InstanceData.cat(kept)
    if not len(merged):
        return merged
    _, keep = batched_nms(merged.bboxes, merged.scores, merged.labels,
                          dict(type='nms', iou_threshold=iou_thr))
    keep = keep[:max_per_img] if max_per_img else keep
    merged = merged[keep]
    if all(m is not None for m in masks):
        full = masks[0].new_zeros((len(merged), height, width))
        keep = keep.cpu()
        where = zip(src[keep].tolist(), idx[keep].tolist())
        for k, (w, n) in enumerate(where):
            x0, y0, x1, y1 = windows[w]
            full[k, y0:y1, x0:x1] = masks[w][n]
        merged.masks = full
    return merged
