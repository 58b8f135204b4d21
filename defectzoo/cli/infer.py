"""Run a trained model on new images and write an inspection report.

Examples::

    python tools/infer.py CONFIG CHECKPOINT images/ --out-dir out/
    python tools/infer.py \\
        ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px images/ \\
        --out-dir out/                 # a model-zoo name (zoo:// weights)
    python tools/infer.py CONFIG zoo://NAME a.png b.tif --out-dir out/
    python tools/infer.py CONFIG CKPT radiographs/ --out-dir out/ \\
        --tile 512 --overlap 64        # sliced detection of large images
    python tools/infer.py CONFIG CKPT images/ --resume out/  # after a kill
    python tools/infer.py --list-models

Inputs: image files and folders (8/16-bit PNG/TIFF/JPEG/BMP; X-ray
configs window 16-bit images as in testing); a folder without an image at
its top level (class sub-folders) is searched recursively (``--recursive``
/ ``--no-recursive`` decide). Unreadable images are named, skipped and
counted; no image at all, or none readable, exits with 2.

Each image's result is appended to ``--out-dir``'s ``results.jsonl`` as it
is done (synced to disk): after a crash or a kill, the same command with
``--resume`` does only the images not in it. ``overlays/``, ``thumbs/``,
``results.json``, ``summary.csv`` and ``report.html`` (summary, then all
images page by page; with ``report_data.js`` beside it) are rebuilt from it;
see :mod:`defectzoo.apis.inspection`. A folder holding an earlier run is
refused unless ``--resume`` or ``--overwrite`` (deletes that run's files).

``--tile SIZE [--overlap PIXELS]`` (detectors): images larger than SIZE
in either side are cut into SIZE x SIZE windows overlapping by PIXELS
(X-ray windowing still computed on the whole image), each window is
detected, and the boxes are merged by class-wise NMS in image coordinates;
see :class:`~defectzoo.apis.DefectDetInferencer`.
"""
import argparse
import os.path as osp
import sys
import time

from defectzoo.apis import init_inferencer, list_models
from defectzoo.apis.base import DEFAULT_SCORE_THR
from defectzoo.apis.inputs import NoImagesError, collect_inputs
from defectzoo.apis.inspection import inspect
from defectzoo.apis.run_dir import OutDirError, prepare_out_dir, safe_text
from defectzoo.apis.slicing import MIN_TILE, TilingError, check_tiling
from defectzoo.utils.zoo import ZooError
from .errors import reporting_errors


def _integer(option, minimum=None, unit=' (px)'):
    """argparse type: an integer (at least ``minimum``), named in the
    error."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f'{option} takes an integer{unit}, got {text!r}') from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(
                f'{option} must be an integer >= {minimum}, got {value}')
        return value

    return parse


def _fraction(option):
    """argparse type: a number in [0, 1] (NaN refused), named in the
    error."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = float('nan')
        if not 0 <= value <= 1:
            raise argparse.ArgumentTypeError(
                f'{option} must be a number in [0, 1], got {text!r}')
        return value

    return parse


def fail(message):
    """Exit 2 with one line (a bad input or output folder)."""
    print(f'error: {safe_text(str(message))}', file=sys.stderr)
    raise SystemExit(2)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Inspect images with a defectzoo model',
        usage='%(prog)s CONFIG|ZOO_NAME [CHECKPOINT] INPUT... --out-dir D')
    p.add_argument(
        'model',
        nargs='?',
        help='config file or model-zoo name (zoo:// optional)')
    p.add_argument(
        'inputs',
        nargs='*',
        help='[checkpoint (path, URL or zoo://NAME)] then image '
        'files / folders')
    p.add_argument('--out-dir', help='output folder')
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        '--resume',
        nargs='?',
        const=True,
        metavar='OUT_DIR',
        help='continue the run in --out-dir (or OUT_DIR): skip the images '
        'already in its results.jsonl, then rebuild the report')
    mode.add_argument(
        '--overwrite',
        action='store_true',
        help='delete the earlier run in --out-dir (results.*, summary.csv, '
        'report, overlays/, masks/, thumbs/) first')
    p.add_argument(
        '--recursive',
        action=argparse.BooleanOptionalAction,
        default=None,
        help='search the sub-folders of input folders (default: only of '
        'folders without an image at their top level)')
    p.add_argument(
        '--score-thr',
        type=_fraction('--score-thr'),
        default=DEFAULT_SCORE_THR,
        help='verdict threshold on the defect score, in [0, 1]')
    p.add_argument(
        '--batch-size',
        type=_integer('--batch-size', minimum=1, unit=''),
        default=1,
        help='images (with --tile: windows) per forward pass, >= 1')
    p.add_argument(
        '--tile',
        type=_integer('--tile'),
        metavar='SIZE',
        help=f'sliced detection: cut images larger than SIZE px (>= '
        f'{MIN_TILE}) into SIZE x SIZE windows (default: whole images)')
    p.add_argument(
        '--overlap',
        type=_integer('--overlap'),
        metavar='PIXELS',
        help='overlap of neighbouring windows, 0 <= PIXELS < SIZE '
        '(default 0); at least the largest defect\'s size')
    p.add_argument('--device', default='cpu')
    p.add_argument(
        '--no-overlays',
        action='store_true',
        help='do not write overlay PNGs (the report still has '
        'thumbnails)')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument(
        '--list-models',
        action='store_true',
        help='list the released model-zoo names and exit')
    args = p.parse_args(argv)
    if args.list_models:
        return args
    if args.tile is None and args.overlap is not None:
        p.error('--overlap needs --tile')
    if args.tile is not None:
        args.overlap = args.overlap or 0
        try:
            check_tiling(args.tile, args.overlap)
        except TilingError as exc:
            p.error(f'--tile {args.tile} --overlap {args.overlap}: {exc}')
    if isinstance(args.resume, str):
        if args.out_dir not in (None, args.resume):
            p.error(f'--resume {args.resume} and --out-dir {args.out_dir}: '
                    'one output folder')
        args.out_dir = args.resume
    args.resume = bool(args.resume)
    if not args.model or not args.inputs or not args.out_dir:
        p.error('needs CONFIG|ZOO_NAME [CHECKPOINT] INPUT... --out-dir D')
    first = args.inputs[0]
    args.checkpoint = None
    if first.startswith(('zoo://', 'http://', 'https://')) or \
            first.endswith(('.pth', '.pt', '.ckpt')):
        args.checkpoint = first
        args.inputs = args.inputs[1:]
    if not args.inputs:
        p.error('no input images given')
    return args


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    if args.list_models:
        for name, m in list_models(released_only=True).items():
            print(f'{name}\t{m.collection}\t{m.filename}')
        return None
    missing = [i for i in args.inputs if not osp.exists(i)]
    if missing:
        fail(f'input(s) not found: {", ".join(missing)}')
    try:
        items = collect_inputs(
            args.inputs,
            args.recursive,
            exclude=[args.out_dir],
            log=lambda m: print(safe_text(m)))
        prepare_out_dir(args.out_dir, args.resume, args.overwrite)
    except (NoImagesError, OutDirError) as exc:
        fail(exc)
    t0 = time.perf_counter()
    tiling = {} if args.tile is None else dict(
        tile=args.tile, overlap=args.overlap)
    # a checkpoint that is unsafe, unreadable or does not fit the model:
    # one line by @reporting_errors
    try:
        inferencer = init_inferencer(
            args.model,
            args.checkpoint,
            device=args.device,
            score_thr=args.score_thr,
            **tiling)
    except (ZooError, FileNotFoundError, TilingError) as exc:
        raise SystemExit(f'error: {exc}') from None
    load_s = time.perf_counter() - t0
    try:
        results = inspect(
            inferencer, [src for _, src in items],
            args.out_dir,
            batch_size=args.batch_size,
            show_progress=not args.no_progress,
            overlays=not args.no_overlays,
            extra=dict(command=' '.join(sys.argv)),
            resume=args.resume,
            overwrite=args.overwrite,
            timing=dict(load_model_s=round(load_s, 3)),
            log_fn=lambda m: print(safe_text(m)))
    except OutDirError as exc:  # resuming the run of another model
        fail(exc)
    s = results['summary']
    names = [x['input'] for x in results['skipped']]
    names = ', '.join(
        names[:5]) + (f' and {len(names) - 5} more' if len(names) > 5 else '')
    report = osp.join(args.out_dir, 'report.html')
    print(f'{s["images"]} image(s): {s["defect"]} defect, {s["ok"]} OK, '
          f'{s["ood"]} out of distribution, {s["skipped"]} skipped '
          f'(unreadable{": " if s["skipped"] else ""}{names}). '
          f'Report: {safe_text(report)}')
    if not s['predicted']:
        fail(f'no readable image among the {s["images"]} input image(s)')
    return results


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
