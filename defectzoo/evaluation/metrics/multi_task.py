"""One evaluator for a model that classifies, segments and detects.

Each task is scored by its own library's metrics (mmpretrain ``Accuracy`` /
``SingleLabelMetric``, mmseg ``IoUMetric``, mmdet ``VOCMetric`` /
``CocoMetric``); this wrapper only routes the data samples and the class
names to them and prints one table. A ``DetDataSample`` filled by
``DefectAuxNet`` carries what each of them reads under its own keys
(``pred_score`` / ``gt_label``, ``pred_sem_seg`` / ``gt_sem_seg``,
``pred_instances`` / ``gt_instances`` / ``instances``), so no sample is
converted. A task whose prediction is absent (a single-task model) is
skipped.
"""
import copy
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from prettytable import PrettyTable

from defectzoo.registry import METRICS

# the prediction key that says a sample was scored for a task
PRED_KEYS = OrderedDict(
    cls='pred_score', seg='pred_sem_seg', det='pred_instances')
# (column, result key, factor to percent) of the summary table
TABLE = (
    ('accuracy', 'cls/accuracy/top1', 1),
    ('precision', 'cls/single-label/precision', 1),
    ('recall', 'cls/single-label/recall', 1),
    ('F1', 'cls/single-label/f1-score', 1),
    ('Dice', 'seg/defectDice', 1),
    ('IoU', 'seg/defectIoU', 1),
    ('mDice', 'seg/mDice', 1),
    ('mIoU', 'seg/mIoU', 1),
    ('mAP@0.5', 'det/pascal_voc/mAP', 100),
    ('AP', 'det/coco/bbox_mAP', 100),
    ('AP50', 'det/coco/bbox_mAP_50', 100),
)


@METRICS.register_module()
class MultiTaskMetric(BaseMetric):
    """Classification, segmentation and detection metrics in one pass.

    Keys are the sub-metrics' keys under ``cls/``, ``seg/`` and ``det/``
    (e.g. ``cls/accuracy/top1``, ``seg/defectDice``,
    ``det/pascal_voc/mAP``, ``det/coco/bbox_mAP``), with each library's
    scale (mmpretrain / mmseg: percent, mmdet: [0, 1]). The logged table
    shows them all in percent.

    Class names: the data set's ``classes`` are the segmentation classes
    (``background`` first, as in mmseg); the detection classes are
    ``det_classes`` of the metainfo or the segmentation classes without the
    background; the image classes are ``cls_classes``.

    Args:
        cls_metrics: metric configs fed ``pred_score`` / ``gt_label``.
        seg_metrics: fed ``pred_sem_seg`` / ``gt_sem_seg``.
        det_metrics: fed ``pred_instances`` / ``gt_instances`` and the raw
            ``instances`` (``CocoMetric`` without an annotation file).
        cls_classes: image-level classes. Defaults to
            ``('defect_free', 'defective')``.
        collect_device, prefix: as :class:`mmengine.evaluator.BaseMetric`.
    """

    def __init__(
            self,
            cls_metrics: Sequence[dict] = (
                dict(type='mmpretrain.Accuracy', topk=(1, )),
                dict(type='mmpretrain.SingleLabelMetric', average='macro')),
            seg_metrics: Sequence[dict] = (dict(
                type='defectzoo.DefectIoUMetric',
                iou_metrics=['mIoU', 'mDice']), ),
            det_metrics: Sequence[dict] = (dict(
                type='mmdet.VOCMetric',
                metric='mAP',
                iou_thrs=0.5,
                eval_mode='area'), dict(
                    type='mmdet.CocoMetric', metric='bbox')),
            cls_classes: Sequence[str] = ('defect_free', 'defective'),
            collect_device: str = 'cpu',
            prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.cls_classes = tuple(cls_classes)
        self.task_metrics: Dict[str, List[BaseMetric]] = OrderedDict(
            cls=[METRICS.build(c) for c in cls_metrics],
            seg=[METRICS.build(c) for c in seg_metrics],
            det=[METRICS.build(c) for c in det_metrics])

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Give each task's metrics its own class names."""
        self._dataset_meta = copy.deepcopy(dataset_meta)
        seg_classes = tuple(dataset_meta['classes'])
        classes = dict(
            cls=self.cls_classes,
            seg=seg_classes,
            det=tuple(dataset_meta.get('det_classes', seg_classes[1:])))
        for task, metrics in self.task_metrics.items():
            for metric in metrics:
                metric.dataset_meta = dict(
                    copy.deepcopy(dataset_meta), classes=classes[task])

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for task, metrics in self.task_metrics.items():
            scored = [s for s in data_samples if PRED_KEYS[task] in s]
            if scored:
                for metric in metrics:
                    metric.process(data_batch, scored)

    def compute_metrics(self, results: list) -> dict:
        """Not used: :meth:`evaluate` asks each sub-metric."""
        raise NotImplementedError

    def evaluate(self, size: int) -> dict:
        """Evaluate every sub-metric that was fed, log one table."""
        metrics = OrderedDict()
        for task, task_metrics in self.task_metrics.items():
            for metric in task_metrics:
                if not metric.results:
                    continue
                for key, value in metric.evaluate(size).items():
                    metrics[f'{task}/{key}'] = value
        if self.prefix:
            metrics = OrderedDict(
                (f'{self.prefix}/{k}', v) for k, v in metrics.items())
        self._log_table(metrics)
        return metrics

    def _log_table(self, metrics: dict) -> None:
        pre = f'{self.prefix}/' if self.prefix else ''
        columns = [(name, metrics[pre + key] * factor)
                   for name, key, factor in TABLE if pre + key in metrics]
        if not columns:
            return
        table = PrettyTable(field_names=[c for c, _ in columns])
        table.add_row([f'{float(v):.2f}' for _, v in columns])
        print_log(
            'Multi-task results (percent):\n' + table.get_string(),
            logger='current')
