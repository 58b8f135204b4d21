"""Per-image result fields of the libraries' predictions (shared by the
inferencers): class scores, boxes, masks, each with its ``defect_score``;
and the class names of mask models."""
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F


def cls_fields(scores: torch.Tensor, classes: Sequence[str],
               ok_classes: Sequence[str]) -> dict:
    """Result fields of class scores; the defect score is 1 - P(OK
    classes) (1 - nothing = the top score's class is a defect)."""
    scores = scores.detach().float().cpu()
    label = int(scores.argmax())
    classes = tuple(classes) or tuple(str(i) for i in range(len(scores)))
    ok = [i for i, c in enumerate(classes) if c.lower() in ok_classes]
    defect = 1.0 - float(scores[ok].sum()) if ok else 1.0
    return dict(
        pred_class=classes[label],
        pred_label=label,
        pred_score=round(float(scores[label]), 4),
        scores={
            c: round(float(s), 4)
            for c, s in zip(classes, scores)
        },
        defect_score=round(defect, 4))


def det_fields(inst, classes: Sequence[str], score_thr: float) -> dict:
    """Result fields of ``pred_instances``: boxes at or above
    ``score_thr``; the defect score is the highest box score."""
    keep = inst.scores >= score_thr
    boxes = []
    for box, score, label in zip(inst.bboxes[keep].tolist(),
                                 inst.scores[keep].tolist(),
                                 inst.labels[keep].tolist()):
        boxes.append(
            dict(
                bbox=[round(v, 1) for v in box],
                score=round(score, 4),
                label=label,
                class_name=classes[label]
                if label < len(classes) else str(label)))
    if 'masks' in inst:
        for b, m in zip(boxes, inst.masks[keep]):
            b['mask_area'] = int(m.sum())
    top = float(inst.scores.max()) if len(inst.scores) else 0.0
    best = boxes[0] if boxes else None
    return dict(
        pred_class=best['class_name'] if best else None,
        pred_score=best['score'] if best else None,
        boxes=boxes,
        num_boxes=len(boxes),
        defect_score=round(top, 4))


def background_index(classes: Sequence[str], ok_classes: Sequence[str]):
    """Index of the first class named like "no defect" (default 0)."""
    for i, c in enumerate(classes):
        if c.lower() in ok_classes:
            return i
    return 0


def seg_fields(pred, classes: Sequence[str], bg: int) -> dict:
    """Result fields of ``pred_sem_seg`` / ``seg_logits``: defect area per
    class; the defect score is the highest per-pixel probability of not
    being the background class ``bg``."""
    labels = pred.pred_sem_seg.data[0]
    logits = pred.seg_logits.data.float()
    if logits.size(0) == 1:  # binary head with a sigmoid
        prob_defect = logits[0].sigmoid()
    else:
        prob_defect = 1 - F.softmax(logits, dim=0)[bg]
    areas = {
        classes[c] if c < len(classes) else str(c): int(n)
        for c, n in zip(
            *[t.tolist() for t in torch.unique(labels, return_counts=True)])
        if c != bg
    }
    top = max(areas, key=areas.get) if areas else None
    return dict(
        pred_class=top,
        pred_score=None,
        mask_area=areas,
        defect_fraction=round(float((labels != bg).float().mean()), 5),
        defect_score=round(float(prob_defect.max()), 4),
        mask=labels.cpu().numpy().astype(np.uint8))


def mask_class_meta(meta: dict, num_classes: int) -> dict:
    """Fill the mask ``classes`` (``background``, ``defect_1``, ...) and a
    palette (black background) of ``meta`` where it has none."""
    if not meta.get('classes'):
        meta['classes'] = tuple(['background'] +
                                [f'defect_{i}' for i in range(1, num_classes)])
    if not meta.get('palette') or len(meta['palette']) != len(meta['classes']):
        rng = np.random.default_rng(0)
        meta['palette'] = [[0, 0, 0]] + rng.integers(
            64, 256, (len(meta['classes']) - 1, 3)).tolist()
    return meta
