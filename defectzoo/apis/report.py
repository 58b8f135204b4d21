"""Rebuild an inspection run's outputs from its ``results.jsonl`` in one
streaming pass: ``summary.csv``, ``results.json``, ``report_data.js`` (one
compact JSON array per image) and ``report.html`` (summary first, then
the image table; :mod:`.report_page`). Memory grows with the skipped
images and the class names only.
"""
import contextlib
import csv
import html
import json
import os
import os.path as osp
import time
from collections import Counter
from typing import Optional

import cv2
import numpy as np

from .report_page import CSS, JS, PAGE
from .run_dir import LOG, clean, iter_log, safe_text

CSV_FIELDS = ('input', 'verdict', 'defect_score', 'pred_class', 'pred_score',
              'num_boxes', 'defect_fraction', 'ood_score', 'ood_flag',
              'overlay')
#: the columns of ``report_data.js``'s rows
DATA_COLS = ('name', 'verdict', 'score', 'cls', 'cls_score', 'boxes', 'area',
             'ood', 'ood_flag', 'thumb', 'overlay')
#: what spreadsheets read as a formula (OWASP CSV injection)
FORMULA_START = ('=', '+', '-', '@', '\t', '\r')
HIST_BINS = 20


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


class Stats:
    """Counts, per-class counts and the score histogram of the images."""

    def __init__(self):
        self.verdicts, self.classes = Counter(), Counter()
        self.defect_classes, self.ood = Counter(), 0
        self.hist = [0] * HIST_BINS

    def add(self, p: dict) -> None:
        self.verdicts[p['verdict']] += 1
        if p.get('pred_class') is not None:
            self.classes[p['pred_class']] += 1
            self.defect_classes[p['pred_class']] += p['verdict'] == 'defect'
        self.ood += bool((p.get('ood') or {}).get('flag'))
        score = min(max(float(p['defect_score']), 0.0), 1.0)
        self.hist[min(int(score * HIST_BINS), HIST_BINS - 1)] += 1

    def summary(self, skipped: int) -> dict:
        n = sum(self.verdicts.values())
        return dict(
            images=n + skipped,
            predicted=n,
            skipped=skipped,
            defect=self.verdicts['defect'],
            ok=self.verdicts['OK'],
            ood=self.ood)


def histogram_svg(hist, thr: float) -> str:
    """An inline SVG bar chart of the defect-score histogram."""
    w, h, x0, top = 420, 130, 34, max(hist) or 1
    step = (w - x0 - 6) / len(hist)
    bars = []
    for i, n in enumerate(hist):
        lo, bh = i / len(hist), (h - 30) * n / top
        colour = '#d22' if lo >= thr else '#2a2'
        bars.append(f'<rect x="{x0 + i * step:.1f}" y="{h - 20 - bh:.1f}" '
                    f'width="{step - 2:.1f}" height="{bh:.1f}" fill='
                    f'"{colour}"><title>{lo:.2f}-{lo + 1 / len(hist):.2f}: '
                    f'{n}</title></rect>')
    xt = x0 + thr * (w - x0 - 6)
    axis = ''.join(
        f'<text x="{x0 + v * (w - x0 - 6):.0f}" y="{h - 6}" font-size="10" '
        f'text-anchor="middle">{v:g}</text>' for v in (0, 0.5, 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height='
            f'"{h}" role="img" aria-label="defect score histogram">'
            f'{"".join(bars)}{axis}<text x="2" y="14" font-size="10">{top}'
            f'</text><line x1="{xt:.1f}" x2="{xt:.1f}" y1="4" y2="{h - 20}" '
            'stroke="#000" stroke-dasharray="3 2"/></svg>')


def _rate(n: int, total: int) -> str:
    return f'{100 * n / total:.1f} %' if total else '—'


def summary_html(s: dict, m: dict, stats: Stats) -> str:
    """The summary block of the page: counts, rates, classes, histogram."""
    e, n = html.escape, s['predicted']
    ood = _rate(s['ood'], n) if m.get('ood_threshold') is not None else \
        'no OOD statistics'
    cards = [(s['images'], 'images', ''),
             (s['defect'], f'defect ({_rate(s["defect"], n)})', 'defect'),
             (s['ok'], 'OK', ''),
             (s['ood'], f'out of distribution ({ood})', ''),
             (s['skipped'], 'skipped', '')]
    cards = ''.join(f'<div class="{c}"><b>{v}</b>{t}</div>'
                    for v, t, c in cards)
    classes = ''.join(
        f'<tr><td>{e(str(c))}</td><td>{k}</td><td>'
        f'{stats.defect_classes[c]}</td></tr>'
        for c, k in sorted(stats.classes.items(), key=lambda x: -x[1]))
    return (f'<div id="stats">{cards}</div><div class="charts"><figure>'
            f'{histogram_svg(stats.hist, m["score_thr"])}<figcaption>defect '
            f'scores of {n} images; dashed: the verdict threshold '
            f'{m["score_thr"]}</figcaption></figure><table id="classes">'
            '<tr><th>predicted class</th><th>images</th><th>of them defect'
            f'</th></tr>{classes}</table></div>')


def summary_line(s: dict, m: dict) -> str:
    e = html.escape
    line = (f'{s["images"]} image(s): <b>{s["defect"]} defect</b>, '
            f'{s["ok"]} OK, {s["ood"]} out of distribution, '
            f'{s["skipped"]} skipped (unreadable). Model: {e(m["task"])}, '
            f'weights {e(str(m["weights"]))}, verdict threshold '
            f'{m["score_thr"]}.')
    if m.get('tile'):
        line += f' Sliced: {m["tile"]} px tiles, {m["overlap"]} px overlap.'
    return line


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
                PAGE.format(
                    title=html.escape(
                        safe_text(title or 'defectzoo inspection report')),
                    summary=summary_line(s, model),
                    stats=summary_html(s, model, stats),
                    css=CSS,
                    js=JS))
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
