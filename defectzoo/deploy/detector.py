"""One-stage mmdet detectors end to end: ``image -> boxes, scores, labels``.

:class:`DeployDetector` rewrites the post-processing of mmdet's
``BaseDenseHead.predict_by_feat`` (per-level top ``nms_pre`` above
``score_thr``, box decoding, ``min_bbox_size``, class-wise NMS,
``max_per_img``) with fixed-size tensor operators, so that the TorchScript
exporter writes it as ONNX ``TopK`` / ``NonZero`` / ``NonMaxSuppression``.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from defectzoo.models.defect_aux_net import DefectAuxNet
from defectzoo.models.utils.normalize import PreprocessNormalize
from .evaluate import find_pipeline

#: Said by every refusal: what :class:`DeployDetector` exports.
SUPPORTED = ('one-stage mmdet detectors (SingleStageDetector) whose '
             'bbox_head uses BaseDenseHead.predict_by_feat with plain '
             "'nms': RTMDet, RetinaNet, FCOS, ATSS, FSAF, ...")


def is_detector(model: nn.Module) -> bool:
    """An mmdet detector (Defect-Aux-Net has its own wrapper)."""
    from mmdet.models.detectors import BaseDetector
    return isinstance(model, BaseDetector) and \
        not isinstance(model, DefectAuxNet)


def unsupported(model: nn.Module) -> Optional[str]:
    """Why ``model`` cannot be exported end to end, or None."""
    from mmdet.models.dense_heads.base_dense_head import BaseDenseHead
    from mmdet.models.detectors import SingleStageDetector
    name = type(model).__name__
    if getattr(model, 'with_rpn', False) or hasattr(model, 'roi_head'):
        return f'{name} is a two-stage detector (RPN + RoI head)'
    if not isinstance(model, SingleStageDetector):
        return f'{name} is not a SingleStageDetector'
    head = model.bbox_head
    own = [
        m for m in ('predict', 'predict_by_feat', '_predict_by_feat_single',
                    '_bbox_post_process')
        if getattr(type(head), m) is not getattr(BaseDenseHead, m)
    ]
    if own or type(model).predict is not SingleStageDetector.predict:
        return (f'{name} ({type(head).__name__}) has its own '
                f'{(own or ["predict"])[0]}')
    if getattr(head.loss_cls, 'custom_cls_channels', False):
        return f'{type(head).__name__} has custom classification channels'
    nms = head.test_cfg.get('nms') or {}
    if nms.get('type', 'nms') != 'nms':
        return f"test_cfg.nms type {nms.get('type')!r} is not 'nms'"
    return None


def test_shape(cfg, shape: Optional[Sequence[int]] = None) -> tuple:
    """A detector graph's fixed ``(H, W)``: ``shape`` if given, else the
    test pipeline's fixed-size ``Resize`` (``keep_ratio=False``)."""
    if shape:
        return tuple(int(s) for s in shape)
    data = (cfg.get('test_dataloader') or {}).get('dataset') or {}
    for step in data.get('pipeline') or find_pipeline(data) or []:
        scale = step.get('scale')
        if step.get('type', '').endswith('Resize') and \
                not step.get('keep_ratio', False) and scale is not None:
            w, h = (scale, scale) if isinstance(scale, int) else scale
            return int(h), int(w)
    raise ValueError(
        'give --shape H W: a detector graph takes one fixed image size '
        '(the test pipeline has no fixed-size Resize to take it from)')


def compare(ref: Sequence[np.ndarray],
            got: Sequence[np.ndarray],
            tol: float = 1e-4) -> dict:
    """How far detections ``got`` (boxes, scores, labels) are from
    ``ref``'s: counts, max score difference (in rank order), max box
    difference (each of ``ref``'s boxes to the nearest of ``got``'s with
    its label and a score within ``tol``: ties may come in either order),
    the IoU of the top boxes, the share of ``ref``'s boxes that one of
    ``got``'s of the same label overlaps with IoU >= 0.5 (``matched``)."""
    from torchvision.ops import box_iou
    (rb, rs, rl), (gb, gs, gl) = (
        tuple(np.asarray(a) for a in d) for d in (ref, got))
    out = dict(count=len(rs), other_count=len(gs))
    if len(rs) == len(gs):
        dist = np.abs(rb[:, None] - gb[None]).max(-1)
        dist[(np.abs(rs[:, None] - gs[None]) > tol) |
             (rl[:, None] != gl[None])] = np.inf
        out.update(
            same_labels=sorted(rl.tolist()) == sorted(gl.tolist()),
            max_score_diff=float(np.abs(rs - gs).max(initial=0)),
            max_box_diff=float(dist.min(1).max(initial=0)))
    if len(rs) and len(gs):
        iou = box_iou(torch.from_numpy(rb), torch.from_numpy(gb)).numpy()
        iou[rl[:, None] != gl[None]] = 0
        out.update(
            top_iou=float(iou[0, 0]),
            top_score_diff=float(abs(rs[0] - gs[0])),
            matched=float((iou.max(1) >= 0.5).mean()))
    return out


def _rounded(values: torch.Tensor) -> List[float]:
    """float32 values as the decimals they were written as (7 digits)."""
    return [float(f'{v:.7g}') for v in values.flatten().tolist()]


def _clip(boxes: torch.Tensor, height: int, width: int) -> torch.Tensor:
    x1, y1, x2, y2 = boxes.unbind(1)
    return torch.stack([
        x1.clamp(0, width),
        y1.clamp(0, height),
        x2.clamp(0, width),
        y2.clamp(0, height)
    ], 1)


class _Network(nn.Module):
    """Normalise, pad, backbone, neck, dense head: the raw head outputs
    (its ONNX nodes are named ``/network/...``)."""

    def __init__(self, model: nn.Module, pad: Tuple[int, int]):
        super().__init__()
        self.normalize = PreprocessNormalize(model.data_preprocessor)
        self.model = model
        self.pad = pad
        self.pad_value = float(
            getattr(model.data_preprocessor, 'pad_value', 0) or 0)

    def forward(self, image: torch.Tensor) -> tuple:
        x = F.pad(
            self.normalize(image), (0, self.pad[1], 0, self.pad[0]),
            value=self.pad_value)
        return self.model.bbox_head(self.model.extract_feat(x))


class DeployDetector(nn.Module):
    """``image (1, 3, H, W) -> boxes (n, 4), scores (n), labels (n)``.

    ``image`` is float 0-255 in the test pipeline's channel order, of the
    fixed ``shape`` ``(H, W)``; normalisation and the padding to the data
    preprocessor's ``pad_size_divisor`` are inside. ``boxes`` are ``x1, y1,
    x2, y2`` in input pixels, after the head's ``test_cfg`` (score
    threshold, NMS, ``max_per_img``), highest score first.
    """

    def __init__(self, model: nn.Module, shape: Sequence[int]):
        super().__init__()
        reason = unsupported(model)
        if reason:
            raise ValueError(f'{reason}; supported: {SUPPORTED}')
        self.shape = tuple(int(s) for s in shape)
        div = getattr(model.data_preprocessor, 'pad_size_divisor', 1) or 1
        self.network = _Network(model, tuple(-s % div for s in self.shape))
        self.cfg = model.bbox_head.test_cfg
        with torch.no_grad():
            outs = self.network(torch.zeros(1, 3, *self.shape))
        head = model.bbox_head
        priors = head.prior_generator.grid_priors(
            [c.shape[-2:] for c in outs[0]], device='cpu')
        for i, p in enumerate(priors):  # constants of the fixed size
            self.register_buffer(f'priors_{i}', p.float(), persistent=False)
        # per level: how many (prior, class) scores go on (Python ints)
        nms_pre = self.cfg.get('nms_pre', -1)
        self.topk = [
            c[0].numel() if nms_pre <= 0 else min(nms_pre, c[0].numel())
            for c in outs[0]
        ]
        self.num_classes = head.cls_out_channels - (not head.use_sigmoid_cls)

    @property
    def model(self) -> nn.Module:
        return self.network.model

    @property
    def pad_value(self) -> List[float]:
        """Per input channel, the pixel value that normalises to 0 (the
        mean, in the input's channel order): what mmdet pads with."""
        norm = self.network.normalize
        mean = norm.mean.flatten()
        return (mean.flip(0) if norm.flip else mean).tolist()

    def spec(self) -> dict:
        """What a user of the ONNX file needs (the sidecar JSON's)."""
        norm, cfg = self.network.normalize, self.cfg
        nms = dict(cfg.get('nms') or {})
        return dict(
            input=dict(
                name='image',
                shape=[1, 3, *self.shape],
                dtype='float32, 0-255',
                channels='as the test pipeline loads (BGR for OpenCV)',
                normalization='inside the graph',
                rgb_flip=norm.flip,
                mean=_rounded(norm.mean),
                std=_rounded(norm.std),
                pad_value=_rounded(torch.tensor(self.pad_value))),
            output_format=dict(
                boxes='(n, 4) float32 x1, y1, x2, y2 in input pixels',
                scores='(n, ) float32, highest first',
                labels='(n, ) int64 class index'),
            postprocess=dict(
                score_thr=cfg.get('score_thr', 0),
                nms_pre=cfg.get('nms_pre', -1),
                min_bbox_size=cfg.get('min_bbox_size', -1),
                iou_threshold=float(nms.get('iou_threshold', 0.5)),
                class_agnostic=bool(nms.get('class_agnostic', False)),
                max_per_img=cfg.get('max_per_img', 100)))

    def _level(self, i: int, outs: tuple) -> Tuple[torch.Tensor, ...]:
        """Level ``i``'s top ``nms_pre`` (score, label, decoded box,
        score factor) of image 0."""
        head = self.model.bbox_head
        cls = outs[0][i][0].permute(1, 2, 0).reshape(-1, head.cls_out_channels)
        scores = cls.sigmoid() if head.use_sigmoid_cls else \
            cls.softmax(-1)[:, :-1]
        scores, idx = scores.reshape(-1).topk(self.topk[i])
        prior_idx = torch.div(idx, self.num_classes, rounding_mode='floor')
        deltas = outs[1][i][0].permute(1, 2, 0).reshape(
            -1, head.bbox_coder.encode_size)[prior_idx]
        priors = getattr(self, f'priors_{i}')[prior_idx]
        boxes = head.bbox_coder.decode(priors, deltas)
        factor = None
        if len(outs) > 2 and outs[2] is not None:
            factor = outs[2][i][0].reshape(-1).sigmoid()[prior_idx]
        return scores, idx % self.num_classes, boxes, factor

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        import torchvision
        outs = self.network(image)
        levels = [self._level(i, outs) for i in range(len(self.topk))]
        scores, labels, boxes = (
            torch.cat([lv[j] for lv in levels]) for j in range(3))
        keep = scores > self.cfg.get('score_thr', 0)
        if getattr(self.model.bbox_head.bbox_coder, 'clip_border', True):
            boxes = _clip(boxes, *self.shape)
        if levels[0][3] is not None:
            scores = scores * torch.cat([lv[3] for lv in levels])
        min_size = self.cfg.get('min_bbox_size', -1)
        if min_size >= 0:
            keep = keep & (boxes[:, 2] - boxes[:, 0] > min_size) & \
                (boxes[:, 3] - boxes[:, 1] > min_size)
        keep = keep.nonzero().reshape(-1)
        boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
        nms = self.cfg.get('nms') or {}
        iou = float(nms.get('iou_threshold', 0.5))
        offset = boxes
        if not nms.get('class_agnostic', False):  # mmcv's batched_nms
            # max(0, boxes.max()): a tensor even without boxes
            top = torch.cat([boxes.reshape(-1), boxes.new_zeros(1)]).max()
            offset = boxes + (labels.to(boxes) * (top + 1))[:, None]
        keep = torchvision.ops.nms(offset, scores, iou)
        keep = keep[:self.cfg.get('max_per_img', 100)]
        return boxes[keep], scores[keep], labels[keep]
