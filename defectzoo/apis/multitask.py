"""Multi-task inspection: :class:`DefectAuxNetInferencer` (Defect-Aux-Net:
image class, defect mask and boxes of one forward pass; mmdet's
``DetInferencer`` drives it)."""
from typing import Tuple

import numpy as np

from defectzoo.models.defect_aux_net import DefectAuxNet
from defectzoo.registry import INFERENCERS
from defectzoo.utils.det_boxes import clip_boxes_for_drawing
from .base import new_visualizer
from .fields import (background_index, cls_fields, det_fields, mask_class_meta,
                     seg_fields)
from .object_detection import DefectDetInferencer


@INFERENCERS.register_module()
class DefectAuxNetInferencer(DefectDetInferencer):
    """Defect-Aux-Net: whether (class + score), where (mask) and which
    instances (boxes) from one forward pass (mmdet's ``DetInferencer``
    drives it; the model is an mmdet ``BaseDetector``).

    Class names come from the checkpoint's / dataset's meta: ``classes``
    are the mask classes (background first), ``det_classes`` the box
    classes (default: the mask classes without the background),
    ``cls_classes`` the image classes (default ``defect_free /
    defective``, as ``MultiTaskMetric``). The verdict's defect score is the
    classification head's 1 - P(defect_free); a model without that head
    takes the highest of its mask and box scores. ``task_scores`` keeps
    each head's score.
    """
    task = 'multi-task'
    model_types = (DefectAuxNet, )
    supports_tiling = False  # masks and image class: not merged per window

    def __init__(self, model, weights=None, **kwargs):
        super().__init__(model, weights, **kwargs)
        meta = self.model.dataset_meta
        self._seg_visualizer = new_visualizer(
            'mmseg.SegLocalVisualizer', 'defectzoo-aux-seg', alpha=0.5)
        self._seg_visualizer.set_dataset_meta(meta['classes'], meta['palette'])
        self.visualizer.dataset_meta = dict(
            classes=self.det_classes,
            palette=[tuple(c) for c in meta['palette'][1:]] or 'random')

    def _load_weights_to_model(self, model, checkpoint, cfg):
        n = model.seg_head.num_classes if model.with_seg else \
            model.det_head.num_classes + 1 if model.with_det else 2
        mask_class_meta(self._load_with_meta(model, checkpoint, cfg), n)

    @property
    def det_classes(self) -> Tuple[str, ...]:
        meta = self.model.dataset_meta
        return tuple(meta.get('det_classes') or meta['classes'][1:])

    @property
    def cls_classes(self) -> Tuple[str, ...]:
        meta = self.model.dataset_meta
        if meta.get('cls_classes'):
            return tuple(meta['cls_classes'])
        n = self.model.cls_head.num_classes if self.model.with_cls else 2
        return ('defect_free', 'defective') if n == 2 else \
            tuple(str(i) for i in range(n))

    def pred_to_dict(self, pred) -> dict:
        out, scores = dict(tasks=list(self.model.tasks)), {}
        if 'pred_instances' in pred:
            det = det_fields(pred.pred_instances, self.det_classes,
                             self.score_thr)
            scores['det'] = det.pop('defect_score')
            out.update(det)
        if 'pred_sem_seg' in pred:
            seg = seg_fields(
                pred, self.class_names,
                background_index(self.class_names, self.ok_classes))
            scores['seg'] = seg.pop('defect_score')
            out.update({
                k: v
                for k, v in seg.items() if k not in out or v is not None
            })
        if 'pred_score' in pred:
            cls = cls_fields(pred.pred_score, self.cls_classes,
                             self.ok_classes)
            scores['cls'] = cls.pop('defect_score')
            out.update(cls)
        out['task_scores'] = scores
        out['defect_score'] = scores['cls'] if 'cls' in scores else max(
            scores.values())
        return out

    def draw(self, image, pred, name):
        """Mask (mmseg's visualiser), then boxes (mmdet's), then the image
        class and score in the corner."""
        img = image
        if 'pred_sem_seg' in pred:
            self._seg_visualizer.add_datasample(
                name, img, pred, draw_gt=False, show=False)
            img = self._seg_visualizer.get_image()
        if 'pred_instances' in pred:
            boxes = pred.clone()
            for key in ('pred_sem_seg', 'gt_sem_seg', 'seg_logits'):
                if key in boxes:
                    delattr(boxes, key)
            self.visualizer.add_datasample(
                name,
                img,
                clip_boxes_for_drawing(boxes, img.shape),
                draw_gt=False,
                show=False,
                pred_score_thr=self.score_thr)
            img = self.visualizer.get_image()
        if 'pred_score' in pred:
            res = cls_fields(pred.pred_score, self.cls_classes,
                             self.ok_classes)
            self.visualizer.set_image(img)
            self.visualizer.draw_texts(
                f'{res["pred_class"]} {res["pred_score"]:.2f}',
                np.array([[4, 4]]),
                colors='white',
                font_sizes=max(8, img.shape[0] // 25),
                bboxes=[dict(facecolor='black', alpha=0.6, pad=1)])
            img = self.visualizer.get_image()
        return img
