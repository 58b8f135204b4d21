"""save_learning_curve reads mmengine's scalars.json and draws the curve."""
import json
import os

import pytest

from defectzoo.visualization.learning_curve import save_learning_curve


def write_run(work_dir, records):
    vis = work_dir / '20261207_010101' / 'vis_data'
    os.makedirs(vis)
    with open(vis / 'scalars.json', 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')


def test_epoch_based_curve_and_missing_metric(tmp_path):
    records = []
    for epoch in (1, 2):
        for it in (5, 10):
            step = (epoch - 1) * 10 + it
            records.append(
                dict(loss=1.0 / step, epoch=epoch, iter=step, step=step))
        records.append({'accuracy/top1': 50.0 * epoch, 'step': epoch})
    write_run(tmp_path, records)
    png = tmp_path / 'curve.png'
    points = save_learning_curve(
        str(tmp_path), 'accuracy/top1', str(png), title='t', scale=0.01)
    assert points == [(1, 0.5), (2, 1.0)]
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with pytest.raises(ValueError, match='no validation value of'):
        save_learning_curve(str(tmp_path), 'det/AP50_voc', str(png))
