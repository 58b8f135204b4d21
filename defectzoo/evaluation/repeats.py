"""Repeated-run protocols: one child process per run, mean ± std, CSV.

Shared by ``tools/analysis_tools/kfold.py`` (one run per fold) and
``tools/analysis_tools/small_data.py`` (one run per (k, seed) of the
small-data protocol: ``k`` training images per class drawn with ``seed``
by :func:`~defectzoo.datasets.subset.KPerClassSubset`, "mean of 10 runs").

Generic helpers: :func:`mean_std`, :func:`write_rows_csv`,
:func:`write_json_atomic`, :func:`format_duration`; each run is a child
process started with :func:`defectzoo.utils.process.run_logged`.
Small-data helpers: :func:`set_subset_args` (k and seed of every
``KPerClassSubset`` in a config), :func:`summarize_small_data` and
:func:`format_small_data_table`.
"""
import csv
import json
import math
import os
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: the metric shown first (the paper's number), when present.
PRIMARY_METRIC = 'accuracy/top1'
SUBSET_TYPE = 'KPerClassSubset'


# --------------------------------------------------------------- generic --
def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample std (ddof=1) of the finite ``values``; NaN where
    undefined (no value; std of a single value)."""
    vals = [
        float(v) for v in values if v is not None and not math.isnan(float(v))
    ]
    mean = float(np.mean(vals)) if vals else float('nan')
    std = float(np.std(vals, ddof=1)) if len(vals) > 1 else float('nan')
    return mean, std


def write_rows_csv(path: str,
                   rows: List[dict],
                   fields: Sequence[str],
                   float_fmt: str = '{:.4f}') -> None:
    """``rows`` as CSV with columns ``fields``; floats with ``float_fmt``,
    missing entries empty."""
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(
            f, fieldnames=list(fields), extrasaction='ignore')
        writer.writeheader()
        for row in rows:
            writer.writerow({
                k: (float_fmt.format(v) if isinstance(v, float) else v)
                for k, v in row.items()
            })


def write_json_atomic(path: str, obj) -> None:
    """Write JSON through a temporary file, so that a killed run never
    leaves a half-written result (which would count as done)."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def format_duration(seconds: float) -> str:
    """``42 s``, ``12.5 min`` or ``3.2 h``."""
    if seconds is None or math.isnan(seconds):
        return '?'
    if seconds < 120:
        return f'{seconds:.0f} s'
    if seconds < 7200:
        return f'{seconds / 60:.1f} min'
    return f'{seconds / 3600:.1f} h'


# ------------------------------------------------------------ small data --
def _is_subset_type(t) -> bool:
    if isinstance(t, str):
        return t.split('.')[-1] == SUBSET_TYPE
    return getattr(t, '__name__', None) == SUBSET_TYPE


def set_subset_args(cfg, k: int, seed: int) -> int:
    """Set ``k`` and ``seed`` of every ``KPerClassSubset`` dict in ``cfg``
    (a Config, dict or list, walked recursively: dataloaders, dataset
    wrappers, hooks' gallery datasets, ...), in place.

    Returns:
        the number of ``KPerClassSubset`` dicts changed.
    """
    count = 0
    if isinstance(cfg, dict) or hasattr(cfg, '_cfg_dict'):
        if _is_subset_type(cfg.get('type')):
            cfg['k'] = int(k)
            cfg['seed'] = int(seed)
            count += 1
        for value in cfg.values():
            count += set_subset_args(value, k, seed)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            count += set_subset_args(value, k, seed)
    return count


def metric_names(results: Sequence[dict]) -> List[str]:
    """The metrics of ``results`` (``result['metrics']`` dicts): ``accuracy/
    top1`` first, then the others in order of first appearance."""
    names = []
    for res in results:
        for name in res['metrics']:
            if name not in names:
                names.append(name)
    if PRIMARY_METRIC in names:
        names.remove(PRIMARY_METRIC)
        names.insert(0, PRIMARY_METRIC)
    return names


def summarize_small_data(results: Dict[Tuple[int, int],
                                       Optional[dict]], ks: Sequence[int],
                         seeds: Sequence[int]) -> Tuple[List[dict], List[str]]:
    """Rows of the small-data summary and the metric names.

    Args:
        results: (k, seed) -> the run's result (a dict with ``metrics``),
            or None / missing for a failed run.

    Returns:
        rows: for each k, one row per seed (``status`` 'ok' / 'failed'),
        then a ``mean`` and a ``std`` row (``seed`` column; sample std over
        the finished seeds, ``status`` 'n/N runs'); metric values keyed by
        name, NaN where missing.
    """
    names = metric_names([r for r in results.values() if r])
    rows = []
    for k in ks:
        runs = []
        for seed in seeds:
            res = results.get((k, seed))
            row = dict(
                k=str(k), seed=str(seed), status='ok' if res else 'failed')
            for name in names:
                row[name] = float(res['metrics'].get(name, float('nan'))) \
                    if res else float('nan')
            runs.append(row)
        rows += runs
        done = [r for r in runs if r['status'] == 'ok']
        status = f'{len(done)}/{len(runs)} runs'
        stats = {name: mean_std([r[name] for r in done]) for name in names}
        rows.append(
            dict(
                k=str(k),
                seed='mean',
                status=status,
                **{n: stats[n][0]
                   for n in names}))
        rows.append(
            dict(
                k=str(k),
                seed='std',
                status=status,
                **{n: stats[n][1]
                   for n in names}))
    return rows, names


def format_small_data_table(rows: List[dict], names: Sequence[str]) -> str:
    """One line per k: each metric's ``mean ± std`` over the seeds, and
    the number of finished runs."""
    width = max([17] + [len(n) + 2 for n in names])

    def cell(mean, std):
        if math.isnan(mean):
            return f'{"-":>{width}}'
        text = f'{mean:.2f} ± ' + ('-' if math.isnan(std) else f'{std:.2f}')
        return f'{text:>{width}}'

    lines = [
        'k     ' + ''.join(f'{n:>{width}}' for n in names) + f'{"runs":>10}'
    ]
    stats = {
        (r['k'], r['seed']): r
        for r in rows if r['seed'] in ('mean', 'std')
    }
    for k in dict.fromkeys(r['k'] for r in rows):
        mean, std = stats[(k, 'mean')], stats[(k, 'std')]
        lines.append(f'{k:<6}' + ''.join(cell(mean[n], std[n])
                                         for n in names) +
                     f'{mean["status"].split()[0]:>10}')
    return '\n'.join(lines)
