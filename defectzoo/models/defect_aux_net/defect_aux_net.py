"""Defect-Aux-Net (Sampath et al., "Attention-guided multitask learning for
surface defect identification", IEEE TII 2023).

One network says *whether* a part is defective (image label), *where*
(semantic mask) and *which instances* (boxes), in one forward pass:

- bottom-up: a ResNet whose bottlenecks carry SE and spatial attention
  (:mod:`.attention_plugins`, switched on by config);
- top-down: an FPN;
- classification head on C5 (GAP -> FC; mmpretrain head), its gradient
  reaching only the bottom-up pathway;
- segmentation head in the semantic-FPN style (each level to 1/4, summed,
  1x1 conv; mmseg ``FPNHead``) trained with Dice loss;
- detection head: RetinaNet subnets (mmdet ``RetinaHead``), focal loss
  alpha 0.25, gamma 4;
- multi-task loss ``L = w_cls L_cls + w_seg L_seg + w_det L_det`` (the paper:
  all weights 1).

Every head is optional, so the same class gives the single-task baselines
(cls-only ResNet, seg-only semantic FPN, det-only RetinaNet). Predictions
come back in one ``DetDataSample``: ``pred_score`` / ``pred_label``
(mmpretrain's keys), ``pred_sem_seg`` / ``seg_logits`` (mmseg's) and
``pred_instances`` (mmdet's), so each library's metrics read them as their
own; mmseg's ``SegLocalVisualizer`` draws the mask and mmdet's
``DetLocalVisualizer`` the boxes (give it the sample without
``pred_sem_seg``, which it reads as a panoptic ``sem_seg`` map).
"""
from typing import Dict, List, Optional, Sequence, Tuple

from mmdet.models.detectors import BaseDetector
from mmdet.models.utils import (rename_loss_dict, reweight_loss_dict,
                                samplelist_boxtype2tensor)
from mmdet.structures import DetDataSample, SampleList
from mmengine.structures import PixelData
from mmseg.models.utils import resize
from torch import Tensor

from defectzoo.registry import MODELS

TASKS = ('cls', 'seg', 'det')


@MODELS.register_module()
class DefectAuxNet(BaseDetector):
    """Backbone + neck + optional classification / segmentation / detection
    heads, trained with a weighted sum of their losses.

    Args:
        backbone: e.g. ``mmdet.ResNet`` with ``SEAttention`` /
            ``SpatialAttention`` plugins (``out_indices=(0, 1, 2, 3)``).
        neck: e.g. ``mmdet.FPN``; needed by the seg / det heads.
        cls_head: an mmpretrain classification head (``LinearClsHead``,
            ``MultiLabelLinearClsHead``) fed by ``cls_neck`` on the last
            backbone stage (C5).
        seg_head: an mmseg decode head (``FPNHead``) on the neck outputs
            (its ``in_index`` picks the levels).
        det_head: an mmdet dense head (``RetinaHead``) on the neck outputs
            ``det_in_index``.
        cls_neck: pooling before ``cls_head``. Defaults to mmpretrain's
            ``GlobalAveragePooling``.
        det_in_index: neck outputs for ``det_head``; None = all.
        loss_weights: ``dict(cls=..., seg=..., det=...)``; missing = 1.
        train_cfg: ``dict(det=...)`` (assigner / sampler of the det head).
        test_cfg: ``dict(det=...)`` (score threshold / NMS of the det head).
        data_preprocessor: e.g. ``MultiTaskDataPreprocessor``.
        init_cfg: initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 cls_head: Optional[dict] = None,
                 seg_head: Optional[dict] = None,
                 det_head: Optional[dict] = None,
                 cls_neck: Optional[dict] = dict(
                     type='mmpretrain.GlobalAveragePooling'),
                 det_in_index: Optional[Sequence[int]] = None,
                 loss_weights: Optional[Dict[str, float]] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if cls_head is None and seg_head is None and det_head is None:
            raise ValueError('DefectAuxNet needs at least one of cls_head, '
                             'seg_head, det_head')
        if neck is None and (seg_head is not None or det_head is not None):
            raise ValueError('the seg and det heads read the neck outputs: '
                             'give a neck (e.g. mmdet.FPN)')
        unknown = set(loss_weights or {}) - set(TASKS)
        if unknown:
            raise ValueError(f'unknown tasks in loss_weights: '
                             f'{sorted(unknown)}; known: {TASKS}')
        self.loss_weights = {t: 1.0 for t in TASKS}
        self.loss_weights.update(loss_weights or {})
        self.train_cfg = train_cfg or {}
        self.test_cfg = test_cfg or {}
        self.backbone = MODELS.build(backbone)
        if neck is not None:
            self.neck = MODELS.build(neck)
        if cls_head is not None:
            self.cls_neck = MODELS.build(cls_neck) if cls_neck else None
            self.cls_head = MODELS.build(cls_head)
        if seg_head is not None:
            self.seg_head = MODELS.build(seg_head)
        if det_head is not None:
            det_head = dict(
                det_head,
                train_cfg=self.train_cfg.get('det'),
                test_cfg=self.test_cfg.get('det'))
            self.det_head = MODELS.build(det_head)
        self.det_in_index = None if det_in_index is None \
            else tuple(det_in_index)

    @property
    def with_cls(self) -> bool:
        return hasattr(self, 'cls_head')

    @property
    def with_seg(self) -> bool:
        return hasattr(self, 'seg_head')

    @property
    def with_det(self) -> bool:
        return hasattr(self, 'det_head')

    @property
    def tasks(self) -> Tuple[str, ...]:
        """The tasks this model has heads for."""
        return tuple(t for t in TASKS if getattr(self, f'with_{t}'))

    # ------------------------------------------------------------------
    def extract_feat(
            self, batch_inputs: Tensor
    ) -> Tuple[Tuple[Tensor, ...], Tuple[Tensor, ...]]:
        """``(backbone stages, neck levels)``; no neck: ``(stages, ())``."""
        stages = tuple(self.backbone(batch_inputs))
        levels = tuple(self.neck(stages)) if self.with_neck else ()
        return stages, levels

    def _cls_feats(self, stages):
        feats = stages[-1:]
        return self.cls_neck(feats) if self.cls_neck is not None else feats

    def cls_logits(self, stages: Tuple[Tensor, ...]) -> Tensor:
        """(N, K) classification logits from the backbone ``stages`` (the
        classification path alone: C5 -> head; no neck, no other head)."""
        return self.cls_head(self._cls_feats(stages))

    def _det_feats(self, levels):
        if self.det_in_index is None:
            return levels
        return tuple(levels[i] for i in self.det_in_index)

    def _forward(self,
                 batch_inputs: Tensor,
                 batch_data_samples: Optional[SampleList] = None) -> dict:
        """Raw head outputs: ``cls`` logits, ``seg`` logits at 1/4 and the
        ``det`` head's per-level ``(cls_scores, bbox_preds)``."""
        stages, levels = self.extract_feat(batch_inputs)
        out = {}
        if self.with_cls:
            out['cls'] = self.cls_logits(stages)
        if self.with_seg:
            out['seg'] = self.seg_head(levels)
        if self.with_det:
            out['det'] = self.det_head(self._det_feats(levels))
        return out

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """Losses of every head, prefixed ``cls.`` / ``seg.`` / ``det.``
        and multiplied by ``loss_weights``."""
        stages, levels = self.extract_feat(batch_inputs)
        losses = {}
        if self.with_cls:
            self._check_gt(batch_data_samples, 'gt_label', 'cls')
            losses.update(
                self._weighted(
                    'cls',
                    self.cls_head.loss(
                        self._cls_feats(stages), batch_data_samples)))
        if self.with_seg:
            self._check_gt(batch_data_samples, 'gt_sem_seg', 'seg')
            losses.update(
                self._weighted(
                    'seg',
                    self.seg_head.loss(levels, batch_data_samples,
                                       self.train_cfg.get('seg', {}))))
        if self.with_det:
            self._check_gt(batch_data_samples, 'gt_instances', 'det')
            losses.update(
                self._weighted(
                    'det',
                    self.det_head.loss(
                        self._det_feats(levels), batch_data_samples)))
        return losses

    def _weighted(self, task: str, losses: dict) -> dict:
        return rename_loss_dict(
            f'{task}.', reweight_loss_dict(losses, self.loss_weights[task]))

    @staticmethod
    def _check_gt(samples: SampleList, key: str, task: str) -> None:
        for s in samples:
            if key not in s:
                raise ValueError(
                    f'{s.metainfo.get("img_path", "a training sample")}: no '
                    f'{key} for the {task} head; pack samples with '
                    'PackMultiTaskInputs after MaskToInstances')

    def predict(self,
                batch_inputs: Tensor,
                batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Fill each data sample with every head's prediction.

        - ``pred_score`` (class probabilities), ``pred_label`` (the argmax,
          or the indices above the head's threshold for multi-label heads);
        - ``seg_logits`` and ``pred_sem_seg`` (argmax), cropped to the
          unpadded image and, with ``rescale``, resized to ``ori_shape``;
        - ``pred_instances`` (``bboxes``, ``scores``, ``labels``), at the
          original scale with ``rescale``.
        """
        stages, levels = self.extract_feat(batch_inputs)
        if self.with_cls:
            for sample, pred in zip(
                    batch_data_samples,
                    self.cls_head.predict(self._cls_feats(stages))):
                sample.pred_score = pred.pred_score
                sample.pred_label = pred.pred_label
        if self.with_seg:
            self._postprocess_seg(
                self.seg_head(levels), batch_data_samples, rescale)
        if self.with_det:
            results = self.det_head.predict(
                self._det_feats(levels), batch_data_samples, rescale=rescale)
            for sample, pred in zip(batch_data_samples, results):
                sample.pred_instances = pred
            samplelist_boxtype2tensor(batch_data_samples)
        return batch_data_samples

    def _postprocess_seg(self, seg_logits: Tensor,
                         samples: List[DetDataSample], rescale: bool) -> None:
        """As mmseg's ``EncoderDecoder``: logits to the padded input size,
        crop the padding, resize to the original size, argmax."""
        align = self.seg_head.align_corners
        for logits, sample in zip(seg_logits, samples):
            meta = sample.metainfo
            pad_shape = meta.get('batch_input_shape', meta['img_shape'])
            logits = resize(
                logits[None],
                size=tuple(pad_shape[:2]),
                mode='bilinear',
                align_corners=align)
            h, w = meta['img_shape'][:2]
            logits = logits[..., :h, :w]
            if rescale:
                logits = resize(
                    logits,
                    size=tuple(meta['ori_shape'][:2]),
                    mode='bilinear',
                    align_corners=align)
            logits = logits[0]
            if logits.shape[0] > 1:
                pred = logits.argmax(dim=0, keepdim=True)
            else:
                pred = (logits.sigmoid() > self.seg_head.threshold).long()
            sample.seg_logits = PixelData(data=logits)
            sample.pred_sem_seg = PixelData(data=pred)
