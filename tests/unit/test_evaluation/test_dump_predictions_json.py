"""DumpPredictionsJSON: per-image detections / class predictions as JSON."""
import json

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from mmpretrain.structures import DataSample

from defectzoo.evaluation.metrics import DumpPredictionsJSON


def test_detections(tmp_path):
    out = tmp_path / 'preds.json'
    metric = DumpPredictionsJSON(str(out))
    metric.dataset_meta = dict(classes=('critical', 'minor'))
    sample = DetDataSample(
        metainfo=dict(img_path='a.png', img_id=3, ori_shape=(512, 256)))
    sample.pred_instances = InstanceData(
        bboxes=torch.tensor([[1.0, 2.0, 30.456, 40.0], [5, 6, 7, 8]]),
        scores=torch.tensor([0.9, 0.1234567]),
        labels=torch.tensor([1, 0]))
    metric.process({}, [sample])
    assert metric.evaluate(1) == {}
    rec = json.loads(out.read_text())
    assert rec['classes'] == ['critical', 'minor']
    (p, ) = rec['predictions']
    assert p['img_path'] == 'a.png' and p['img_id'] == 3
    assert p['ori_shape'] == [512, 256]
    assert p['bboxes'] == [[1.0, 2.0, 30.46, 40.0], [5.0, 6.0, 7.0, 8.0]]
    assert p['scores'] == pytest.approx([0.9, 0.12346])
    assert p['labels'] == [1, 0] and p['classes'] == ['minor', 'critical']


def test_classification(tmp_path):
    out = tmp_path / 'cls.json'
    metric = DumpPredictionsJSON(str(out))
    metric.dataset_meta = dict(classes=('ok', 'scratch', 'spot'))
    sample = DataSample(metainfo=dict(img_path='b.jpg'))
    sample.set_pred_score(torch.tensor([0.1, 0.7, 0.2]))
    sample.set_pred_label(1)
    metric.process({}, [sample])
    metric.evaluate(1)
    (p, ) = json.loads(out.read_text())['predictions']
    assert p['pred_label'] == 1 and p['pred_class'] == 'scratch'
    assert p['pred_scores'] == pytest.approx([0.1, 0.7, 0.2])


def test_never_overwrites(tmp_path):
    out = tmp_path / 'old.json'
    out.write_text('{"mine": 1}')
    with pytest.raises(FileExistsError, match='old.json exists'):
        DumpPredictionsJSON(str(out))
    assert out.read_text() == '{"mine": 1}'
    with pytest.raises(ValueError, match='must end with .json'):
        DumpPredictionsJSON(str(tmp_path / 'x.pkl'))
