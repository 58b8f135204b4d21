"""An assigner wrapper that leaves priors inside *ignore* regions out of
the loss (COCO ``iscrowd=1``: real defects known but not labelled)."""
from typing import Optional

from mmdet.models.task_modules.assigners import AssignResult, BaseAssigner
from mmengine.structures import InstanceData

from defectzoo.registry import TASK_UTILS


@TASK_UTILS.register_module()
class IgnoreRegionAssigner(BaseAssigner):
    """Run ``assigner``, then mark every prior that it left negative and
    whose centre lies in an ignore box as ignored (``gt_inds = -1``): such a
    prior gets neither a foreground nor a background target, so the head's
    classification weight there is 0 (mmdet's dense heads weight only
    positive and negative priors).

    Args:
        assigner: the wrapped assigner config (e.g.
            ``dict(type='mmdet.DynamicSoftLabelAssigner', topk=13)``).
        prior_type: ``'point'`` (priors ``(x, y, stride_w, stride_h)``, as
            RTMDet / YOLOX) or ``'box'`` (``(x1, y1, x2, y2)`` anchors).
    """

    def __init__(self, assigner: dict, prior_type: str = 'point'):
        if prior_type not in ('point', 'box'):
            raise ValueError(f"prior_type must be 'point' or 'box', got "
                             f'{prior_type!r}')
        self.assigner = TASK_UTILS.build(assigner)
        self.prior_type = prior_type

    def assign(self,
               pred_instances: InstanceData,
               gt_instances: InstanceData,
               gt_instances_ignore: Optional[InstanceData] = None,
               **kwargs) -> AssignResult:
        result = self.assigner.assign(pred_instances, gt_instances,
                                      gt_instances_ignore, **kwargs)
        if gt_instances_ignore is None or len(gt_instances_ignore) == 0:
            return result
        priors = pred_instances.priors
        centres = priors[:, :2] if self.prior_type == 'point' else (
            priors[:, :2] + priors[:, 2:4]) / 2
        boxes = gt_instances_ignore.bboxes
        boxes = boxes.tensor if hasattr(boxes, 'tensor') else boxes
        x, y = centres[:, None, 0], centres[:, None, 1]
        inside = ((x >= boxes[None, :, 0]) & (x <= boxes[None, :, 2]) &
                  (y >= boxes[None, :, 1]) & (y <= boxes[None, :, 3])).any(1)
        result.gt_inds[inside & (result.gt_inds == 0)] = -1
        return result
