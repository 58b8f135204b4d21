"""An inspection run's outputs, streamed so that a killed run can resume.

``inspect(inferencer, inputs, out_dir)`` (also ``tools/infer.py``) writes::

    out_dir/results.jsonl          a line per image as soon as it is done
    out_dir/overlays/<image>.png   the library visualiser's overlay
    out_dir/masks/<image>.png      segmentation: the predicted label map
    out_dir/thumbs/<n>.jpg         small overlays for the report
    out_dir/run.json               the model of the run
    out_dir/results.json           per-image results, skipped images, timing
    out_dir/summary.csv            one row per image
    out_dir/report.html            summary (counts, rates, classes, score
                                   histogram), then every image in a table
                                   shown a page at a time; filter and sort
    out_dir/report_data.js         the table's rows (compact JSON arrays)

The last four are rebuilt from ``results.jsonl`` at the end of every run
(:mod:`.report`). ``resume=True`` skips the images already in it (by name),
``overwrite=True`` deletes an earlier run first; without either an
earlier run in ``out_dir`` is refused (:mod:`.run_dir`).
"""
import os.path as osp
import time
from typing import Callable, Dict, Optional

import mmcv

from .report import write_outputs, write_thumbnail
from .run_dir import ResultLog, check_same_run, prepare_out_dir, safe_text


def _unique_stem(name: str, used: set) -> str:
    stem = osp.splitext(osp.basename(name))[0] or 'image'
    out, i = stem, 1
    while out in used:
        out, i = f'{stem}_{i}', i + 1
    used.add(out)
    return out


def model_info(inferencer) -> dict:
    """What ``run.json`` and ``results.json`` say of the model."""
    info = dict(
        task=inferencer.task,
        classes=list(inferencer.class_names),
        weights=str(inferencer.weights),
        score_thr=inferencer.score_thr,
        ood_threshold=None
        if inferencer.ood is None else inferencer.ood.threshold)
    if getattr(inferencer, 'tile', None) is not None:
        info.update(tile=inferencer.tile, overlap=inferencer.overlap)
    return info


def inspect(inferencer,
            inputs,
            out_dir: str,
            batch_size: int = 1,
            show_progress: bool = True,
            overlays: bool = True,
            title: Optional[str] = None,
            extra: Optional[dict] = None,
            resume: bool = False,
            overwrite: bool = False,
            recursive: Optional[bool] = None,
            timing: Optional[dict] = None,
            log_fn: Optional[Callable[[str], None]] = None) -> Dict:
    """Run ``inferencer`` on ``inputs`` and write the outputs to
    ``out_dir``; returns the content of ``results.json``. ``log_fn`` is
    told what a resumed run takes over.

    Raises:
        OutDirError: ``out_dir`` holds an earlier run (neither ``resume``
            nor ``overwrite``) or cannot be written.
        NoImagesError: no image among ``inputs``.
    """
    prepare_out_dir(out_dir, resume, overwrite)
    items = inferencer.collect_inputs(inputs, recursive, exclude=[out_dir])
    check_same_run(out_dir, model_info(inferencer))
    with ResultLog(out_dir) as log:
        earlier = len(log.records)
        todo = [it for it in items if safe_text(it[0]) not in log.done]
        if resume and log_fn is not None:
            log_fn(f'resuming {out_dir}: {earlier} image(s) in '
                   f'results.jsonl, {len(todo)} of {len(items)} to do')
        used = {
            osp.splitext(osp.basename(r.get('overlay') or r['mask']))[0]
            for r in log.records if r.get('overlay') or r.get('mask')
        }

        def visualize(res, overlay):
            stem = _unique_stem(safe_text(res['input']), used)
            if overlays:
                path = osp.join(out_dir, 'overlays', stem + '.png')
                mmcv.imwrite(overlay[..., ::-1], path)
                res['overlay'] = osp.relpath(path, out_dir)
            mask = res.pop('mask', None)
            if mask is not None:
                path = osp.join(out_dir, 'masks', stem + '.png')
                mmcv.imwrite(mask, path)
                res['mask'] = osp.relpath(path, out_dir)
            res['thumb'] = len(log.records)  # the record's line number
            write_thumbnail(overlay,
                            osp.join(out_dir, 'thumbs', f'{res["thumb"]}.jpg'))

        t0, n = time.perf_counter(), 0
        for res in inferencer.iter_run(todo, batch_size, show_progress,
                                       visualize):
            log.append(res)
            n += 'error' not in res
    infer_s = time.perf_counter() - t0
    timing = dict(
        timing or {},
        inference_s=round(infer_s, 3),
        images_per_s=round(n / infer_s, 3) if infer_s and n else None,
        earlier_run_images=earlier)
    return write_outputs(out_dir, title, extra, timing, keep=True)
