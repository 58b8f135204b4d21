"""One protocol for repeated runs: k-fold, small-data and seed repeats.

A protocol is a list of :class:`Run` s of one config: the folds of a k-fold
split, the (k, seed) draws of the small-data protocol ("mean of 10 runs"),
the seeds of a seed repeat. Each run trains the config from scratch and
tests its final weights (:func:`train_and_test`: the val loop is off, so
the test data never chooses anything). :class:`RepeatedRuns` runs them one
by one, each in a child process with its console in
``<work_dir>/<run>/run.log``: a failing run is reported with its log and
the others go on; a run whose ``result.json`` exists is not run again
(resume = the same command). :func:`summarize` gives one row per run and a
``mean`` and a ``std`` row (sample std, ddof=1, over the finished runs) per
group; :func:`report` prints them and writes them as CSV.

Command lines: ``tools/analysis_tools/{kfold,small_data,repeat_seeds}.py``.
"""
import copy
import csv
import json
import math
import os
import os.path as osp
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from defectzoo.utils.process import run_logged

RESULT_FILE = 'result.json'
LOG_FILE = 'run.log'
#: the metric shown first (the papers' number), when present.
PRIMARY_METRIC = 'accuracy/top1'


@dataclass
class Run:
    """One run of a protocol.

    Args:
        fields: what identifies it, as table columns: ``{'fold': '3'}``,
            ``{'k': '10', 'seed': '2'}``; the last one is the run's own,
            the others name its group (runs of one group are averaged).
        args: the tool's arguments that make it run this run alone, in its
            own process (``--fold 3``).
    """
    fields: Dict[str, str]
    args: List[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Its folder below the work dir: ``fold3``, ``k10_seed2``."""
        return '_'.join(f'{k}{v}' for k, v in self.fields.items())

    @property
    def label(self) -> str:
        """What the console calls it: ``fold=3``, ``k=10 seed=2``."""
        return ' '.join(f'{k}={v}' for k, v in self.fields.items())

    @property
    def group(self) -> Tuple[Tuple[str, str], ...]:
        return tuple(self.fields.items())[:-1]


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


def scalar_metrics(metrics: dict) -> dict:
    """The metrics that are numbers (a confusion matrix is left out)."""
    out = {}
    for name, value in metrics.items():
        try:
            out[name] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def metric_names(results: Sequence[dict]) -> List[str]:
    """The metrics of ``results`` (``result['metrics']`` dicts):
    :data:`PRIMARY_METRIC` first, then the others in order of first
    appearance."""
    names = []
    for res in results:
        for name in res['metrics']:
            if name not in names:
                names.append(name)
    if PRIMARY_METRIC in names:
        names.remove(PRIMARY_METRIC)
        names.insert(0, PRIMARY_METRIC)
    return names


# ------------------------------------------------------------ one run --
def run_config(cfg, out_dir: str, save_checkpoints: bool = False):
    """A copy of ``cfg`` for one run: work dir ``out_dir``, no launcher, no
    val loop; the last checkpoint (weights only) or none."""
    if cfg.get('test_dataloader') is None or \
            cfg.get('test_evaluator') is None:
        raise SystemExit('the config needs a test_dataloader and a '
                         'test_evaluator: the runs are scored on them')
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = out_dir
    cfg.launcher = 'none'
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_cfg = cfg.get('test_cfg') or dict()
    hooks = cfg.get('default_hooks') or {}
    if save_checkpoints:
        ckpt = dict(hooks.get('checkpoint') or dict(type='CheckpointHook'))
        ckpt.update(
            interval=-1,
            save_last=True,
            save_optimizer=False,
            save_best=None,
            max_keep_ckpts=-1)
    else:
        ckpt = dict(type='CheckpointHook', interval=-1, save_last=False)
    hooks['checkpoint'] = ckpt
    cfg.default_hooks = hooks
    return cfg


def train_and_test(cfg,
                   out_dir: str,
                   save_checkpoints: bool = False,
                   extra: Optional[dict] = None,
                   keep: Optional[Callable[[dict], dict]] = None) -> dict:
    """Train ``cfg`` (see :func:`run_config`) in this process, test its
    final weights, and write ``<out_dir>/config.py`` and
    ``<out_dir>/result.json`` (returned): ``extra``, the numbers of training
    and test samples, the scalar metrics, what ``keep(metrics)`` picks of
    the others (a confusion matrix) and the seconds it took."""
    from mmengine.runner import Runner
    start = time.time()
    cfg = run_config(cfg, out_dir, save_checkpoints)
    os.makedirs(out_dir, exist_ok=True)
    cfg.dump(osp.join(out_dir, 'config.py'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    num_train = len(runner.train_dataloader.dataset)
    metrics = runner.test()
    result = dict(
        extra or {},
        num_train=num_train,
        num_test=len(runner.test_dataloader.dataset),
        metrics=scalar_metrics(metrics),
        **(keep(metrics) if keep else {}),
        seconds=round(time.time() - start, 1))
    write_json_atomic(osp.join(out_dir, RESULT_FILE), result)
    return result


# ----------------------------------------------------------- all runs --
class RepeatedRuns:
    """The runs of one protocol in ``work_dir``, each started as
    ``child_cmd + run.args`` in its own process.

    Args:
        work_dir: one folder per run below it (:attr:`Run.name`).
        runs: the runs, in order.
        child_cmd: the command that runs one run when given its ``args``,
            e.g. ``[python, '-m', 'defectzoo.cli.kfold', CONFIG, ...]``.
    """

    def __init__(self, work_dir: str, runs: Sequence[Run],
                 child_cmd: List[str]):
        self.work_dir = work_dir
        self.runs = list(runs)
        self.child_cmd = list(child_cmd)
        self.failed: List[Run] = []

    def run_dir(self, run: Run) -> str:
        return osp.join(self.work_dir, run.name)

    def read_result(self, run: Run) -> Optional[dict]:
        """Its ``result.json``, None while it has not finished."""
        path = osp.join(self.run_dir(run), RESULT_FILE)
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)

    def run_child(self, run: Run) -> bool:
        """Run it in a child process; True when it wrote its result."""
        return run_logged(self.child_cmd + run.args,
                          osp.join(self.run_dir(run), LOG_FILE), run.label,
                          lambda: self.read_result(run) is not None)

    def run_all(self) -> Dict[str, Optional[dict]]:
        """Run every unfinished run, printing progress and an ETA; returns
        run name -> result (None for a failed run)."""
        results = {run.name: self.read_result(run) for run in self.runs}
        todo = sum(r is None for r in results.values())
        total = len(self.runs)
        print(
            f'{total} runs, {total - todo} finished earlier, {todo} to run; '
            f'work dir {self.work_dir}',
            flush=True)
        start, ran = time.time(), 0
        for i, run in enumerate(self.runs, 1):
            tag = f'run {i}/{total} {run.label}'
            if results[run.name] is not None:
                print(
                    f'{tag}: done earlier ({RESULT_FILE} exists), not re-run',
                    flush=True)
                continue
            print(f'{tag}: training ...', flush=True)
            t0 = time.time()
            ok = self.run_child(run)
            ran += 1
            if ok:
                results[run.name] = self.read_result(run)
            else:
                self.failed.append(run)
            elapsed = time.time() - start
            metrics = (results[run.name] or {}).get('metrics', {})
            primary = metrics.get(PRIMARY_METRIC)
            print(
                f'{tag}: {"finished" if ok else "failed"} in '
                f'{format_duration(time.time() - t0)}' +
                (f', {PRIMARY_METRIC} {primary:.2f}' if primary is not None
                 else '') + f'; elapsed {format_duration(elapsed)}, ETA '
                f'{format_duration(elapsed / ran * (todo - ran))}',
                flush=True)
        return results

    def check(self) -> None:
        """Exit non-zero naming each failed run and its log."""
        if self.failed:
            raise SystemExit(f'{len(self.failed)} run(s) failed: ' + ', '.join(
                f'{run.label} (log: '
                f'{osp.join(self.run_dir(run), LOG_FILE)})'
                for run in self.failed) +
                             '; run the same command again to retry them.')


# ------------------------------------------------------------- summary --
def summarize(runs: Sequence[Run], results: Dict[str, Optional[dict]],
              columns: Dict[str, str]) -> List[dict]:
    """One row per run (``status`` 'ok' / 'failed'), and after each group's
    runs a ``mean`` and a ``std`` row (in the run's own field; ``status``
    'n/N runs').

    Args:
        columns: table column -> metric key of the results.
    """
    rows, groups = [], {}
    for run in runs:
        groups.setdefault(run.group, []).append(run)
    for group, members in groups.items():
        runs_rows = []
        for run in members:
            res = results.get(run.name)
            row = dict(run.fields, status='ok' if res else 'failed')
            for col, key in columns.items():
                row[col] = float(res['metrics'].get(key, float('nan'))) \
                    if res else float('nan')
            runs_rows.append(row)
        done = [r for r in runs_rows if r['status'] == 'ok']
        status = f'{len(done)}/{len(members)} runs'
        stats = {col: mean_std([r[col] for r in done]) for col in columns}
        own = list(members[0].fields)[-1]
        rows += runs_rows
        for i, name in enumerate(('mean', 'std')):
            rows.append(
                dict(
                    dict(group, **{own: name}),
                    status=status,
                    **{col: stats[col][i]
                       for col in columns}))
    return rows


def format_table(rows: List[dict], id_fields: Sequence[str],
                 columns: Sequence[str]) -> str:
    """Plain text: a line per run, then ``mean ± std`` and the number of
    finished runs per group."""
    width = max([16] + [len(c) + 2 for c in columns])
    lead = sum(len(f) + 4 for f in id_fields)

    def ids(row):
        return ''.join(f'{row[f]:<{len(f) + 4}}' for f in id_fields)

    lines = [
        ''.join(f'{f:<{len(f) + 4}}' for f in id_fields) +
        ''.join(f'{c:>{width}}' for c in columns) + f'{"runs":>10}'
    ]
    own = id_fields[-1]
    pending = None
    for row in rows:
        if row[own] == 'mean':
            pending = row
            continue
        if row[own] == 'std':
            mean, std = pending, row
            cells = []
            for c in columns:
                text = '-' if math.isnan(mean[c]) else (
                    f'{mean[c]:.2f} ± ' +
                    ('-' if math.isnan(std[c]) else f'{std[c]:.2f}'))
                cells.append(f'{text:>{width}}')
            head = ids(dict(row, **{own: 'mean±std'}))
            lines.append(f'{head:<{lead}}' + ''.join(cells) +
                         f'{mean["status"].split()[0]:>10}')
            continue
        cells = ''.join(f'{row[c]:>{width}.2f}' if row['status'] ==
                        'ok' else f'{"failed":>{width}}' for c in columns)
        lines.append(ids(row) + cells)
    return '\n'.join(lines)


def report(path: str, runs: Sequence[Run], results: Dict[str, Optional[dict]],
           columns: Dict[str, str]) -> List[dict]:
    """Print the table and write it as CSV to ``path``; return its rows."""
    rows = summarize(runs, results, columns)
    id_fields = list(runs[0].fields)
    print(format_table(rows, id_fields, list(columns)), flush=True)
    write_rows_csv(path, rows, id_fields + ['status'] + list(columns))
    print(f'per-run rows, mean and std: {path}', flush=True)
    return rows
