"""A training run's learning curve as a PNG, from the scalars mmengine logs
(``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON per line)."""
import glob
import json
import os.path as osp
from typing import List, Optional


def read_scalars(work_dir: str) -> List[dict]:
    """Every logged record of every run in ``work_dir``, oldest run first."""
    records = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def save_learning_curve(work_dir: str,
                        metric: str,
                        path: str,
                        title: str = '',
                        metric_label: Optional[str] = None,
                        scale: float = 1.0) -> List[tuple]:
    """Plot validation ``metric`` per epoch (or iteration) and the training
    loss of the run in ``work_dir``; return the ``(step, value)`` points of
    the metric (scaled by ``scale``). Raises ``ValueError`` naming the work
    dir when it logged no value of ``metric``."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    records = read_scalars(work_dir)
    val = [r for r in records if metric in r]
    if not val:
        raise ValueError(f'{work_dir}: no validation value of {metric!r} in '
                         'vis_data/scalars.json')
    train = [r for r in records if 'loss' in r and metric not in r]
    # epoch-based runs log the epoch with each training record and the
    # epoch as ``step`` of each validation record
    by_epoch = any('epoch' in r for r in train)
    step = 'epoch' if by_epoch else 'iteration'
    points = [(r['step'], scale * float(r[metric])) for r in val]
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(*zip(*points), 'o-', color='tab:blue')
    ax.set_xlabel(step)
    ax.set_ylabel(metric_label or metric, color='tab:blue')
    ax.grid(alpha=0.3)
    if train:
        per_epoch = 1.0
        if by_epoch:
            last = max(train, key=lambda r: r['iter'])
            per_epoch = last['iter'] / last['epoch']
        loss = ax.twinx()
        xs = [r['iter'] / per_epoch for r in train]
        loss.plot(xs, [r['loss'] for r in train], color='tab:orange', lw=0.8)
        loss.set_ylabel('training loss', color='tab:orange')
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={'Software': None})
    plt.close(fig)
    return points
