"""Rebuild an inspection run's outputs from its ``results.jsonl`` in one
streaming pass: ``summary.csv``, ``results.json``, ``report_data.js`` (one
compact JSON array per image) and ``report.html`` (summary first, then
the image table; the page is
:mod:`defectzoo.visualization.report`'s). Memory grows with the skipped
images and the class names only.
"""
import contextlib
import csv
import json
import os
import os.path as osp
import time
from typing import Optional

import cv2
import numpy as np

from defectzoo.visualization.report import (Stats, render_page, summary_html,
                                            summary_line)
from .run_dir import LOG, clean, iter_log, safe_text

CSV_FIELDS = ('input', 'verdict', 'defect_score', 'pred_class', 'pred_score',
              'num_boxes', 'defect_fraction', 'ood_score', 'ood_flag',
              'overlay')
#: the columns of ``report_data.js``'s rows
DATA_COLS = ('name', 'verdict', 'score', 'cls', 'cls_score', 'boxes', 'area',
             'ood', 'ood_flag', 'thumb', 'overlay')
#: what spreadsheets read as a formula (OWASP CSV injection)
FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def csv_cell(value):
    """A text cell that a spreadsheet would run as a formula, quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_thumbnail(img_rgb: np.ndarray, path: str, size: int = 128) -> None:
    """A JPEG of ``img_rgb`` scaled to at most ``size`` px."""
    h, w = img_rgb.shape[:2]
    scale = min(1.0, size / max(h, w))
    if scale < 1:
        img_rgb = cv2.resize(
            img_rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA)
    os.makedirs(osp.dirname(path), exist_ok=True)
    ok, buf = cv2.imencode('.jpg', np.ascontiguousarray(img_rgb[..., ::-1]),
                           [cv2.IMWRITE_JPEG_QUALITY, 80])
    with open(path, 'wb') as f:
        f.write(buf.tobytes())


@contextlib.contextmanager
def _replace(path: str, newline=None):
    """A text file written beside ``path`` and renamed onto it."""
    with open(path + '.tmp', 'w', encoding='utf-8', newline=newline) as f:
        yield f
    os.replace(path + '.tmp', path)


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(',', ':'))


def _data_row(p: dict) -> list:
    ood = p.get('ood') or {}
    return [
        p['input'], p['verdict'], p['defect_score'],
        p.get('pred_class'),
        p.get('pred_score'),
        p.get('num_boxes'),
        p.get('defect_fraction'),
        ood.get('score'), None if not ood else int(bool(ood.get('flag'))),
        p.get('thumb'),
        p.get('overlay')
    ]


def _csv_row(p: dict) -> list:
    ood = p.get('ood') or {}
    return [
        csv_cell(v)
        for v in (p['input'], p['verdict'], p['defect_score'],
                  p.get('pred_class'), p.get('pred_score'), p.get('num_boxes'),
                  p.get('defect_fraction'), ood.get('score'), ood.get('flag'),
                  p.get('overlay'))
    ]


def write_outputs(out_dir: str,
                  title: Optional[str] = None,
                  extra: Optional[dict] = None,
                  timing: Optional[dict] = None,
                  keep: bool = False) -> dict:
    """Write the outputs of ``out_dir/results.jsonl``; returns the content
    of ``results.json``, its ``predictions`` only with ``keep``."""
    t0, extra = time.perf_counter(), clean(extra or {})
    with open(osp.join(out_dir, 'run.json'), encoding='utf-8') as f:
        model = json.load(f)['model']
    stats, skipped, kept, n = Stats(), [], [], 0
    join = osp.join
    with _replace(join(out_dir, 'summary.csv'), '') as fc, \
            _replace(join(out_dir, 'report_data.js')) as fd, \
            _replace(join(out_dir, 'results.json')) as fj:
        writer = csv.writer(fc)
        writer.writerow(CSV_FIELDS)
        fd.write(f'window.REPORT_DATA={{"cols":{_dump(DATA_COLS)},'
                 '"rows":[')
        fj.write(f'{{"model": {_dump(model)},\n"predictions": [')
        for p, _ in iter_log(join(out_dir, LOG)):
            if 'error' in p:
                skipped.append(p)
                continue
            sep, n = ',\n' if n else '\n', n + 1
            stats.add(p)
            writer.writerow(_csv_row(p))
            fd.write(sep + _dump(_data_row(p)))
            fj.write(sep + json.dumps(p, ensure_ascii=False))
            if keep:
                kept.append(p)
        s = stats.summary(len(skipped))
        fd.write('],\n"skipped":' + _dump([[x['input'], x['error']]
                                           for x in skipped]) + '};\n')
        with _replace(join(out_dir, 'report.html')) as fh:
            fh.write(
                render_page(
                    safe_text(title or 'defectzoo inspection report'),
                    summary_line(s, model), summary_html(s, model, stats)))
        timing = dict(timing or {})
        timing['report_s'] = round(time.perf_counter() - t0, 3)
        fj.write('],\n"skipped": ' + json.dumps(skipped, ensure_ascii=False))
        for k, v in dict(summary=s, timing=timing, **extra).items():
            fj.write(f',\n{_dump(k)}: ' +
                     json.dumps(v, ensure_ascii=False, indent=1))
        fj.write('}\n')
    return dict(
        model=model,
        summary=s,
        predictions=kept,
        skipped=skipped,
        timing=timing,
        **extra)
