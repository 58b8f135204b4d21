"""Plain ``nn.Module`` views of defectzoo / OpenMMLab models for export:
image tensor in, tensors out, preprocessing inside.

Every wrapper takes ``image``: ``(N, 3, H, W)`` float, 0-255, in the channel
order the test pipeline loads (BGR for OpenCV-loaded files), and applies the
model's data preprocessor (channel flip, mean / std) itself, so a deployed
file needs nothing from defectzoo.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from defectzoo.models.utils.normalize import PreprocessNormalize


def _is_defect_aux_net(model: nn.Module) -> bool:
    return hasattr(model, 'tasks') and hasattr(model, 'cls_logits')


class DeployClassifier(nn.Module):
    """``image -> scores (N, num_classes)`` (softmax probabilities).

    mmpretrain classifiers (``ImageClassifier`` and subclasses: ResNet,
    MVGG19 multipath, KD students) use backbone -> neck -> head;
    Defect-Aux-Net its classification path (backbone -> C5 -> head); the SCL
    gallery classifier scores by its reference gallery (baked into the
    graph as constants), as its ``predict`` does.
    """

    def __init__(self, model: nn.Module, softmax: bool = True):
        super().__init__()
        if _is_defect_aux_net(model) and not model.with_cls:
            raise ValueError(
                f'{type(model).__name__} has no classification head '
                f'(tasks: {model.tasks}); the classification path needs '
                'cls_head in the config')
        if getattr(model, 'classifier', None) == 'gallery' and \
                not model.has_gallery:
            raise ValueError(
                f'{type(model).__name__} has an empty reference gallery: '
                'export a checkpoint saved with its gallery '
                '(ReferenceGalleryHook, tools/misc/build_gallery.py)')
        self.normalize = PreprocessNormalize(model.data_preprocessor)
        self.model = model
        self.softmax = softmax

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        x = self.normalize(image)
        model = self.model
        if hasattr(model, 'gallery_similarity') and \
                model.classifier == 'gallery':
            return model.gallery_similarity(model.embed(x)) / \
                model.score_temperature
        if hasattr(model, 'gallery_similarity'):  # ArcFace classifier
            emb = F.normalize(model.embed(x), dim=1)
            return emb @ F.normalize(model.head.weight, dim=1).t() * \
                model.head.scale
        if _is_defect_aux_net(model):  # the classification path only
            return model.cls_logits(tuple(model.backbone(x)))
        logits = model(x, mode='tensor')
        if isinstance(logits, (tuple, list)):
            logits = logits[-1]
        return logits

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        logits = self.logits(image)
        return logits.softmax(dim=1) if self.softmax else logits


class DeploySegmentor(nn.Module):
    """mmseg ``EncoderDecoder``: ``image -> seg_logits (N, C, H, W)`` at
    the input size (bilinear, as mmseg's ``postprocess_result``)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.normalize = PreprocessNormalize(model.data_preprocessor)
        self.model = model

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        logits = self.model(self.normalize(image), mode='tensor')
        return F.interpolate(
            logits,
            size=image.shape[2:],
            mode='bilinear',
            align_corners=getattr(self.model.decode_head, 'align_corners',
                                  False))


class DeployDetectorRaw(nn.Module):
    """mmdet detector: backbone + neck + the dense head(s), raw outputs.

    - single-stage (RetinaNet): per FPN level, ``cls_score (N, A*C, h, w)``
      and ``bbox_pred (N, A*4, h, w)``, levels in order;
    - two-stage (Faster R-CNN): the RPN's per-level objectness and deltas.

    Not in the graph (it needs mmdet at run time): anchor generation and box
    decoding, score thresholding and NMS (``bbox_head.predict_by_feat``);
    for two-stage detectors also the proposal selection, RoIAlign (mmcv op)
    and the RoI head.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.normalize = PreprocessNormalize(model.data_preprocessor)
        self.model = model

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        feats = self.model.extract_feat(self.normalize(image))
        head = self.model.bbox_head if hasattr(self.model, 'bbox_head') \
            and self.model.bbox_head is not None else self.model.rpn_head
        outs = head(feats)
        return tuple(t for level in outs for t in level)

    @staticmethod
    def output_names(model: nn.Module, num_levels: int):
        names = ('cls_score', 'bbox_pred') \
            if getattr(model, 'bbox_head', None) is not None \
            else ('rpn_cls_score', 'rpn_bbox_pred')
        return [f'{n}_{i}' for n in names for i in range(num_levels)]


class DeployDefectAuxNet(nn.Module):
    """Defect-Aux-Net: one graph, every head it has, in one pass.

    Outputs, in order (a head the model lacks is left out):

    - ``cls_scores (N, K)``: softmax of the classification head (on C5);
    - ``seg_logits (N, C, H, W)``: the segmentation head's logits resized
      to the input (bilinear, as ``DefectAuxNet.predict``);
    - ``cls_score_<l>`` / ``bbox_pred_<l>`` per detection level: the
      RetinaNet head's raw outputs (anchors, decoding and NMS are not in the
      graph, as for :class:`DeployDetectorRaw`).
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.normalize = PreprocessNormalize(model.data_preprocessor)
        self.model = model

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        model = self.model
        stages, levels = model.extract_feat(self.normalize(image))
        outs = []
        if model.with_cls:
            outs.append(model.cls_logits(stages).softmax(dim=1))
        if model.with_seg:
            outs.append(
                F.interpolate(
                    model.seg_head(levels),
                    size=image.shape[2:],
                    mode='bilinear',
                    align_corners=model.seg_head.align_corners))
        if model.with_det:
            det = model.det_head(model._det_feats(levels))
            outs += [t for level in det for t in level]
        return tuple(outs)

    @staticmethod
    def output_names(model: nn.Module, num_levels: int):
        names = ['cls_scores'] if model.with_cls else []
        names += ['seg_logits'] if model.with_seg else []
        if model.with_det:
            names += [
                f'{n}_{i}' for n in ('cls_score', 'bbox_pred')
                for i in range(num_levels)
            ]
        return names
