"""MultiTaskMetric: mmpretrain / mmseg / mmdet metrics in one pass."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.evaluator import Evaluator
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

from defectzoo.evaluation.metrics import DefectIoUMetric, MultiTaskMetric

META = dict(classes=('background', 'defect'))
H = W = 20


def sample(idx,
           label,
           pred_score,
           gt_mask,
           pred_mask,
           gt_boxes,
           pred_boxes,
           pred_scores,
           tasks=('cls', 'seg', 'det')):
    s = DetDataSample(
        metainfo=dict(
            img_id=idx,
            ori_shape=(H, W),
            img_path=f'{idx}.png',
            instances=[
                dict(bbox=b, bbox_label=0, ignore_flag=0) for b in gt_boxes
            ]))
    s.gt_label = torch.tensor([label])
    s.gt_sem_seg = PixelData(data=torch.as_tensor(gt_mask)[None].long())
    s.gt_instances = InstanceData(
        bboxes=torch.tensor(gt_boxes, dtype=torch.float32).reshape(-1, 4),
        labels=torch.zeros(len(gt_boxes), dtype=torch.long))
    s.ignored_instances = InstanceData(
        bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long))
    if 'cls' in tasks:
        s.pred_score = torch.tensor(pred_score)
        s.pred_label = torch.tensor([int(np.argmax(pred_score))])
    if 'seg' in tasks:
        s.pred_sem_seg = PixelData(
            data=torch.as_tensor(pred_mask)[None].long())
    if 'det' in tasks:
        s.pred_instances = InstanceData(
            bboxes=torch.tensor(pred_boxes,
                                dtype=torch.float32).reshape(-1, 4),
            scores=torch.tensor(pred_scores, dtype=torch.float32),
            labels=torch.zeros(len(pred_boxes), dtype=torch.long))
    return s


def rect(x1, y1, x2, y2):
    m = np.zeros((H, W), np.int64)
    m[y1:y2, x1:x2] = 1
    return m


def evaluate(samples, **kwargs):
    init_default_scope('defectzoo')
    evaluator = Evaluator(MultiTaskMetric(**kwargs))
    evaluator.dataset_meta = META
    evaluator.process(samples)
    return evaluator.evaluate(len(samples))


def test_perfect_predictions():
    box = [2, 3, 8, 9]
    samples = [
        sample(0, 1, [0.1, 0.9], rect(*box), rect(*box), [box], [box], [0.9]),
        sample(1, 0, [0.8, 0.2], rect(0, 0, 0, 0), rect(0, 0, 0, 0), [], [],
               []),
    ]
    m = evaluate(samples)
    assert m['cls/accuracy/top1'] == 100
    assert m['cls/single-label/f1-score'] == 100
    assert m['seg/defectDice'] == 100 and m['seg/defectIoU'] == 100
    assert m['seg/mIoU'] == 100
    assert m['det/pascal_voc/mAP'] == pytest.approx(1.0)
    assert m['det/coco/bbox_mAP'] == pytest.approx(1.0)


def test_hand_computed_values():
    # cls: 3 of 4 right; seg: defect pixels 36 gt vs 24 predicted of which
    # 24 overlap (image 0), nothing else; det: 2 gt boxes, one found.
    gt = rect(2, 2, 8, 8)  # 36 px
    pred = rect(2, 2, 8, 6)  # 24 px inside it
    empty = rect(0, 0, 0, 0)
    samples = [
        sample(0, 1, [0.2, 0.8], gt, pred, [[2, 2, 8, 8]], [[2, 2, 8, 8]],
               [0.9]),
        sample(1, 1, [0.7, 0.3], empty, empty, [[10, 10, 16, 16]], [], []),
        sample(2, 0, [0.9, 0.1], empty, empty, [], [], []),
        sample(3, 0, [0.6, 0.4], empty, empty, [], [], []),
    ]
    m = evaluate(samples)
    assert m['cls/accuracy/top1'] == 75
    # defect IoU = 24 / 36, Dice = 2 * 24 / (36 + 24)
    assert m['seg/defectIoU'] == pytest.approx(100 * 24 / 36, abs=0.01)
    assert m['seg/defectDice'] == pytest.approx(100 * 48 / 60, abs=0.01)
    # mIoU averages background (1588 / 1600) and defect
    bg = (4 * 400 - 36) / (4 * 400 - 24)
    assert m['seg/mIoU'] == pytest.approx(100 * (bg + 24 / 36) / 2, abs=0.01)
    assert m['det/pascal_voc/mAP'] == pytest.approx(0.5)


def test_single_task_model_is_scored_on_its_task_only(caplog):
    box = [2, 3, 8, 9]
    samples = [
        sample(
            0, 1, None, rect(*box), rect(*box), [box], [], [], tasks=('seg', ))
    ]
    m = evaluate(samples)
    assert set(k.split('/')[0] for k in m) == {'seg'}
    assert m['seg/defectDice'] == 100


def test_each_task_gets_its_class_names():
    metric = MultiTaskMetric(cls_classes=('ok', 'ng'))
    metric.dataset_meta = dict(classes=('background', 'scratch', 'spot'))
    cls_metric, seg_metric, det_metric = (
        metric.task_metrics[t][0] for t in ('cls', 'seg', 'det'))
    assert cls_metric.dataset_meta['classes'] == ('ok', 'ng')
    assert seg_metric.dataset_meta['classes'] == ('background', 'scratch',
                                                  'spot')
    assert det_metric.dataset_meta['classes'] == ('scratch', 'spot')
    assert isinstance(seg_metric, DefectIoUMetric)


def test_one_table_with_the_three_tasks(capsys):
    from mmengine.logging import MMLogger
    MMLogger.get_instance('aux_metric_test')
    box = [2, 3, 8, 9]
    evaluate([
        sample(0, 1, [0.1, 0.9], rect(*box), rect(*box), [box], [box], [0.9])
    ])
    out = capsys.readouterr()
    text = out.out + out.err
    header = next(line for line in text.splitlines() if 'accuracy' in line)
    for column in ('precision', 'recall', 'F1', 'Dice', 'IoU', 'mAP@0.5',
                   'AP50'):
        assert column in header
