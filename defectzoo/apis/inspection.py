"""An inspection run's outputs: overlays, ``results.json``, a CSV summary
and a self-contained HTML report.

``inspect(inferencer, inputs, out_dir)`` (also ``tools/infer.py``) writes::

    out_dir/overlays/<image>.png   the library visualiser's overlay
    out_dir/masks/<image>.png      segmentation: the predicted label map
    out_dir/results.json           per-image results, skipped images, timing
    out_dir/summary.csv            one row per image
    out_dir/report.html            one file: thumbnails (data URIs), verdict,
                                   scores, OOD flag; filter and sort
"""
import base64
import csv
import html
import json
import os
import os.path as osp
import time
from typing import Dict, Optional

import cv2
import mmcv
import numpy as np

CSV_FIELDS = ('input', 'verdict', 'defect_score', 'pred_class', 'pred_score',
              'num_boxes', 'defect_fraction', 'ood_score', 'ood_flag',
              'overlay')


def _unique_stem(name: str, used: set) -> str:
    stem = osp.splitext(osp.basename(name))[0] or 'image'
    out, i = stem, 1
    while out in used:
        out, i = f'{stem}_{i}', i + 1
    used.add(out)
    return out


def thumbnail_uri(img_rgb: np.ndarray, size: int = 256) -> str:
    """A JPEG data URI of ``img_rgb`` scaled to at most ``size`` px."""
    h, w = img_rgb.shape[:2]
    scale = min(1.0, size / max(h, w))
    if scale < 1:
        img_rgb = cv2.resize(
            img_rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode('.jpg', np.ascontiguousarray(img_rgb[..., ::-1]),
                           [cv2.IMWRITE_JPEG_QUALITY, 85])
    return 'data:image/jpeg;base64,' + base64.b64encode(buf).decode()


def inspect(inferencer,
            inputs,
            out_dir: str,
            batch_size: int = 1,
            show_progress: bool = True,
            overlays: bool = True,
            title: Optional[str] = None,
            extra: Optional[dict] = None) -> Dict:
    """Run ``inferencer`` on ``inputs`` and write the outputs to
    ``out_dir``; returns the content of ``results.json``."""
    os.makedirs(out_dir, exist_ok=True)
    used, thumbs = set(), {}

    def visualize(res, overlay):
        stem = _unique_stem(res['input'], used)
        if overlays:
            path = osp.join(out_dir, 'overlays', stem + '.png')
            mmcv.imwrite(overlay[..., ::-1], path)
            res['overlay'] = osp.relpath(path, out_dir)
        mask = res.pop('mask', None)
        if mask is not None:
            path = osp.join(out_dir, 'masks', stem + '.png')
            mmcv.imwrite(mask, path)
            res['mask'] = osp.relpath(path, out_dir)
        thumbs[id(res)] = thumbnail_uri(overlay)

    t0 = time.perf_counter()
    out = inferencer.run(
        inputs,
        batch_size=batch_size,
        show_progress=show_progress,
        visualize=visualize)
    infer_s = time.perf_counter() - t0
    preds, skipped = out['predictions'], out['skipped']
    n = len(preds)
    summary = dict(
        images=n + len(skipped),
        predicted=n,
        skipped=len(skipped),
        defect=sum(p['verdict'] == 'defect' for p in preds),
        ok=sum(p['verdict'] == 'OK' for p in preds),
        ood=sum(bool(p.get('ood', {}).get('flag')) for p in preds))
    t1 = time.perf_counter()
    results = dict(
        model=dict(
            task=inferencer.task,
            classes=list(inferencer.class_names),
            weights=str(inferencer.weights),
            score_thr=inferencer.score_thr,
            ood_threshold=None
            if inferencer.ood is None else inferencer.ood.threshold),
        summary=summary,
        predictions=preds,
        skipped=skipped,
        timing=dict(
            inference_s=round(infer_s, 3),
            images_per_s=round(n / infer_s, 3) if infer_s else None))
    if getattr(inferencer, 'tile', None) is not None:
        results['model'].update(
            tile=inferencer.tile, overlap=inferencer.overlap)
    results.update(extra or {})
    with open(osp.join(out_dir, 'summary.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, CSV_FIELDS)
        writer.writeheader()
        for p in preds:
            ood = p.get('ood', {})
            writer.writerow(
                dict(
                    input=p['input'],
                    verdict=p['verdict'],
                    defect_score=p['defect_score'],
                    pred_class=p.get('pred_class'),
                    pred_score=p.get('pred_score'),
                    num_boxes=p.get('num_boxes'),
                    defect_fraction=p.get('defect_fraction'),
                    ood_score=ood.get('score'),
                    ood_flag=ood.get('flag'),
                    overlay=p.get('overlay')))
    with open(osp.join(out_dir, 'report.html'), 'w') as f:
        f.write(
            render_report(results, [thumbs.get(id(p)) for p in preds], title))
    results['timing']['report_s'] = round(time.perf_counter() - t1, 3)
    with open(osp.join(out_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    return results


_CSS = """
body{font-family:system-ui,sans-serif;margin:1em;background:#f4f4f4}
h1{font-size:1.3em}.bar{margin:.6em 0}.bar label{margin-right:1em}
#cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border-radius:6px;padding:6px;width:270px;
 box-shadow:0 1px 3px #0003;border-top:5px solid #2a2}
.card.defect{border-top-color:#d22}.card img{width:256px;display:block}
.name{font-size:.8em;word-break:break-all;color:#333}
.verdict{font-weight:bold}.defect .verdict{color:#d22}.OK .verdict{color:#2a2}
.ood{background:#f90;color:#fff;border-radius:3px;padding:0 4px;
 font-size:.8em}table{border-collapse:collapse}td,th{padding:2px 8px;
 border-bottom:1px solid #ccc;text-align:left;font-size:.9em}
"""

_JS = """
(function(){
  var cards=Array.prototype.slice.call(document.querySelectorAll('.card'));
  var box=document.getElementById('cards');
  var filter=document.getElementById('filter');
  var sort=document.getElementById('sort');
  var shown=document.getElementById('shown');
  function update(){
    var f=filter.value, s=sort.value, n=0;
    cards.sort(function(a,b){
      if(s==='name'){return a.dataset.name<b.dataset.name?-1:1;}
      var d=parseFloat(a.dataset.score)-parseFloat(b.dataset.score);
      return s==='score-asc'?d:-d;});
    cards.forEach(function(c){
      var ok=f==='all'||c.dataset.verdict===f||
        (f==='ood'&&c.dataset.ood==='1');
      c.style.display=ok?'':'none'; if(ok){n++;} box.appendChild(c);});
    shown.textContent=n;
  }
  filter.addEventListener('change',update);
  sort.addEventListener('change',update);
  update();
})();
"""


def _fmt(v, digits=3):
    return '—' if v is None else (
        f'{v:.{digits}f}' if isinstance(v, float) else html.escape(str(v)))


def render_report(results: dict, thumbs, title: Optional[str] = None) -> str:
    """The HTML inspection report (one self-contained file)."""
    e = html.escape
    s, m = results['summary'], results['model']
    title = title or 'defectzoo inspection report'
    cards = []
    for p, thumb in zip(results['predictions'], thumbs):
        ood = p.get('ood') or {}
        lines = [
            f'<div class="verdict">{e(p["verdict"])}</div>',
            f'<div>defect score {_fmt(p["defect_score"])}</div>'
        ]
        if p.get('pred_class') is not None:
            lines.append(f'<div>{e(str(p["pred_class"]))} '
                         f'{_fmt(p.get("pred_score"))}</div>')
        if p.get('num_boxes') is not None:
            lines.append(f'<div>{p["num_boxes"]} box(es) &ge; '
                         f'{_fmt(m["score_thr"], 2)}</div>')
        if p.get('defect_fraction') is not None:
            lines.append(f'<div>defect area {100 * p["defect_fraction"]:.2f}'
                         ' %</div>')
        if ood:
            flag = ('<span class="ood">OOD</span> ' if ood['flag'] else '')
            lines.append(f'<div>{flag}OOD score {_fmt(ood["score"], 2)}'
                         f' (threshold {_fmt(ood["threshold"], 2)})</div>')
        img = f'<img alt="{e(p["input"])}" src="{thumb}">' if thumb else ''
        cards.append(
            f'<div class="card {e(p["verdict"])}" data-verdict='
            f'"{e(p["verdict"])}" data-score="{p["defect_score"]}" '
            f'data-name="{e(p["input"])}" data-ood='
            f'"{1 if ood.get("flag") else 0}">{img}'
            f'<div class="name">{e(p["input"])}</div>{"".join(lines)}</div>')
    skipped = ''.join(f'<tr><td>{e(x["input"])}</td><td>{e(x["error"])}'
                      '</td></tr>' for x in results['skipped'])
    skipped = (f'<h2>Skipped ({len(results["skipped"])})</h2><table>'
               f'<tr><th>image</th><th>problem</th></tr>{skipped}</table>'
               if skipped else '')
    summary = (f'{s["images"]} image(s): <b>{s["defect"]} defect</b>, '
               f'{s["ok"]} OK, {s["ood"]} out of distribution, '
               f'{s["skipped"]} skipped (unreadable). Model: {e(m["task"])}, '
               f'weights {e(m["weights"])}, verdict threshold '
               f'{m["score_thr"]}.')
    if m.get('tile'):
        summary += (f' Sliced: {m["tile"]} px tiles, {m["overlap"]} px '
                    'overlap.')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>{e(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{e(title)}</h1><p id="summary">{summary}</p>
<div class="bar"><label>show <select id="filter">
<option value="all">all</option><option value="defect">defect</option>
<option value="OK">OK</option><option value="ood">out of distribution</option>
</select></label><label>sort by <select id="sort">
<option value="score-desc">defect score, high first</option>
<option value="score-asc">defect score, low first</option>
<option value="name">name</option></select></label>
<span><span id="shown">{len(cards)}</span> shown</span></div>
<div id="cards">{''.join(cards)}</div>{skipped}
<script>{_JS}</script></body></html>
"""
