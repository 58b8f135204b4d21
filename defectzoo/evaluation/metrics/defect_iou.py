"""mmseg's ``IoUMetric`` plus IoU / Dice averaged over the defect classes.

``mIoU`` / ``mDice`` average over every class, background included; on
defect images, where background is nearly all pixels, its ~99 % IoU lifts
the mean. Defect papers (Defect-Aux-Net's "Dice 0.926") report the defect
classes: ``defectIoU`` / ``defectDice`` are the means over classes
``1 .. C-1``, from the same per-class areas (mmseg's
``total_area_to_metrics``).
"""
from typing import Dict

import numpy as np
from mmseg.evaluation import IoUMetric

from defectzoo.registry import METRICS


@METRICS.register_module()
class DefectIoUMetric(IoUMetric):
    """``IoUMetric`` (same arguments and keys) + ``defectIoU`` and
    ``defectDice`` (percent, like mmseg's), the means over the classes
    after ``background_index`` (0)."""

    def compute_metrics(self, results: list) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        totals = [sum(area) for area in zip(*results)]
        per_class = self.total_area_to_metrics(*totals, ['mIoU', 'mDice'],
                                               self.nan_to_num, self.beta)
        for name in ('IoU', 'Dice'):
            values = np.asarray(per_class[name], dtype=float)[1:]
            metrics[f'defect{name}'] = round(
                float(np.nanmean(values)) * 100, 2) if len(values) else 0.0
        return metrics
