"""XRayDetMetric: VOC + COCO AP per class and the critical recall."""
import json
import os.path as osp

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from defectzoo.evaluation import XRayDetMetric
from defectzoo.evaluation.metrics.xray_det import match_recall


def _samples(ann_file, mode):
    """Ground truth of the tiny val split with predictions: 'perfect',
    'swap' (every box with the other class) or 'empty'."""
    with open(ann_file) as f:
        coco = json.load(f)
    out = []
    for img in coco['images']:
        anns = [a for a in coco['annotations'] if a['image_id'] == img['id']]
        boxes = torch.tensor([[
            a['bbox'][0], a['bbox'][1], a['bbox'][0] + a['bbox'][2],
            a['bbox'][1] + a['bbox'][3]
        ] for a in anns],
                             dtype=torch.float32).reshape(-1, 4)
        labels = torch.tensor([a['category_id'] - 1 for a in anns])
        s = DetDataSample(
            metainfo=dict(
                img_id=img['id'], ori_shape=(img['height'], img['width'])))
        s.gt_instances = InstanceData(bboxes=boxes, labels=labels)
        s.ignored_instances = InstanceData(
            bboxes=torch.zeros(0, 4), labels=torch.zeros(0).long())
        keep = slice(0, 0) if mode == 'empty' else slice(None)
        s.pred_instances = InstanceData(
            bboxes=boxes[keep],
            scores=torch.full((len(anns), ), 0.9)[keep],
            labels=(1 - labels if mode == 'swap' else labels)[keep])
        out.append(s.to_dict())
    return out


@pytest.mark.parametrize('mode', ['perfect', 'swap', 'empty'])
def test_xray_det_metric(xray_root, mode):
    ann = osp.join(xray_root, 'annotations', 'val.json')
    metric = XRayDetMetric(ann_file=ann, score_thr=0.5)
    metric.dataset_meta = dict(classes=('critical', 'minor'))
    metric.process({}, _samples(ann, mode))
    res = metric.evaluate(4)
    keys = {
        'AP50_voc', 'AP50_voc_critical', 'AP50_voc_minor', 'AP_coco',
        'AP50_coco', 'AP75_coco', 'AP_coco_critical', 'AP_coco_minor',
        'recall_critical'
    }
    assert set(res) == {f'det/{k}' for k in keys}
    expect = 1.0 if mode == 'perfect' else 0.0
    assert res['det/recall_critical'] == expect
    for key in ('AP50_voc', 'AP50_voc_critical', 'AP50_coco', 'AP_coco'):
        assert res[f'det/{key}'] == pytest.approx(expect, abs=1e-3), key


def test_match_recall_one_to_one():
    gt = [[0, 0, 10, 10], [20, 20, 30, 30]]
    import numpy as np
    gt = np.array(gt, np.float32)
    # two predictions on the same box count once; a poor overlap not at all
    pred = np.array([[0, 0, 10, 10], [0, 0, 10, 11], [20, 20, 24, 24]],
                    np.float32)
    assert match_recall(gt, pred, np.array([0.9, 0.8, 0.7]), 0.5) == 1
    assert match_recall(gt, pred[:0], np.zeros(0), 0.5) == 0


def test_coco_ap_without_ann_file_from_the_samples_instances():
    """A VOC-style set (no COCO json): COCO AP converts the ground truth
    the samples carry (``instances`` meta key); perfect boxes give 1."""
    metric = XRayDetMetric(critical_class='a')
    metric.dataset_meta = dict(classes=('a', 'b'))
    boxes = torch.tensor([[2., 3., 30., 40.], [50., 10., 90., 60.]])
    labels = torch.tensor([0, 1])
    sample = dict(
        img_id=0,
        ori_shape=(100, 100),
        instances=[
            dict(bbox=b.tolist(), bbox_label=int(l), ignore_flag=0)
            for b, l in zip(boxes, labels)
        ],
        gt_instances=dict(bboxes=boxes, labels=labels),
        ignored_instances=dict(
            bboxes=torch.zeros((0, 4)), labels=torch.zeros(0).long()),
        pred_instances=dict(
            bboxes=boxes, scores=torch.tensor([0.9, 0.8]), labels=labels))
    metric.process({}, [sample])
    out = metric.compute_metrics(metric.results)
    assert out['AP50_voc'] == pytest.approx(1.0)
    assert out['AP_coco'] == pytest.approx(1.0)
    assert out['recall_a'] == pytest.approx(1.0)
