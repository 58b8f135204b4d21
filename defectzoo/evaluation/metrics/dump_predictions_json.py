"""Per-image predictions as JSON (``tools/test.py --out preds.json``).

mmengine's ``DumpResults`` pickles the raw data samples: complete, but
only Python with the OpenMMLab stack installed can read them. This metric
writes what a quality engineer opens in any tool: one record per test
image with its path and, for a detector, the boxes in *original image*
pixels (``[x1, y1, x2, y2]``), scores and class names; for a classifier,
the predicted class, its score and all class scores. Nothing is dropped
(no score threshold): filter downstream.
"""
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from defectzoo.registry import METRICS


def _list(x, decimals: Optional[int] = None) -> list:
    arr = x.detach().cpu().numpy() if hasattr(x, 'detach') else np.asarray(x)
    if decimals is not None:
        arr = np.round(arr.astype(np.float64), decimals)
    return arr.tolist()


@METRICS.register_module()
class DumpPredictionsJSON(BaseMetric):
    """Write every test image's predictions to ``out_file`` (JSON).

    Args:
        out_file: path ending in ``.json``; an existing file is an error
            unless ``overwrite`` (results the user had are never lost).
        overwrite: replace an existing ``out_file``.
        collect_device: see :class:`mmengine.evaluator.BaseMetric`.
    """
    default_prefix = 'dump'

    def __init__(self,
                 out_file: str,
                 overwrite: bool = False,
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        if not out_file.endswith('.json'):
            raise ValueError(f'out_file must end with .json, got {out_file}')
        if osp.exists(out_file) and not overwrite:
            raise FileExistsError(f'{out_file} exists; choose another path '
                                  '(predictions are never overwritten)')
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            if hasattr(sample, 'to_dict'):
                sample = sample.to_dict()
            record = dict(
                img_path=sample.get('img_path'),
                img_id=sample.get('img_id'),
                ori_shape=list(sample.get('ori_shape') or []))
            pred = sample.get('pred_instances')
            if pred is not None:  # detection
                record.update(
                    bboxes=_list(pred['bboxes'], 2),
                    scores=_list(pred['scores'], 5),
                    labels=_list(pred['labels']))
            elif 'pred_label' in sample:  # classification
                record.update(
                    pred_label=int(_list(sample['pred_label'])[0]),
                    pred_scores=_list(sample['pred_score'], 5))
            self.results.append(record)

    def compute_metrics(self, results: List[dict]) -> dict:
        classes = list((self.dataset_meta or {}).get('classes') or [])
        for r in results:
            if classes and 'labels' in r:
                r['classes'] = [classes[i] for i in r['labels']]
            if classes and 'pred_label' in r:
                r['pred_class'] = classes[r['pred_label']]
        out_dir = osp.dirname(osp.abspath(self.out_file))
        os.makedirs(out_dir, exist_ok=True)
        tmp = self.out_file + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(dict(classes=classes, predictions=results), f)
        os.replace(tmp, self.out_file)
        return {}
