"""Run a trained model on new images and write an inspection report.

Examples::

    python tools/infer.py CONFIG CHECKPOINT images/ --out-dir out/
    python tools/infer.py ce_r18-w32_1xb32-adam-4e_neu-cls-64px images/ \\
        --out-dir out/                 # a model-zoo name (zoo:// weights)
    python tools/infer.py CONFIG zoo://NAME a.png b.tif --out-dir out/
    python tools/infer.py CONFIG CKPT radiographs/ --out-dir out/ \\
        --tile 512 --overlap 64        # sliced detection of large images
    python tools/infer.py --list-models

Inputs: image files and folders (8/16-bit PNG/TIFF/JPEG/BMP; X-ray
configs window 16-bit images as in testing). Unreadable images are named,
skipped and counted. Writes ``overlays/``, ``results.json``,
``summary.csv`` and ``report.html`` (one self-contained file) to
``--out-dir``; see :mod:`defectzoo.apis.inspection`.

``--tile SIZE [--overlap PIXELS]`` (detectors): images larger than SIZE
in either side are cut into SIZE x SIZE windows overlapping by PIXELS
(X-ray windowing still computed on the whole image), each window is
detected, and the boxes are merged by class-wise NMS in image coordinates;
see :class:`~defectzoo.apis.DefectDetInferencer`.
"""
import argparse
import json
import os.path as osp
import sys
import time

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..'))
from defectzoo.apis import init_inferencer, list_models  # noqa: E402
from defectzoo.apis.base import DEFAULT_SCORE_THR  # noqa: E402
from defectzoo.apis.inspection import inspect  # noqa: E402
from defectzoo.apis.slicing import MIN_TILE, TilingError, check_tiling
from defectzoo.apis.zoo import ZooError  # noqa: E402
from defectzoo.utils.checkpoint import CheckpointError  # noqa: E402


def _integer(option):
    """argparse type: an integer, named in the error."""

    def parse(text):
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f'{option} takes an integer (px), got {text!r}') from None

    return parse


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
    p.add_argument(
        '--score-thr',
        type=float,
        default=DEFAULT_SCORE_THR,
        help='verdict threshold on the defect score')
    p.add_argument(
        '--batch-size',
        type=int,
        default=1,
        help='images (with --tile: windows) per forward pass')
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


def main(argv=None):
    args = parse_args(argv)
    if args.list_models:
        for name, m in list_models(released_only=True).items():
            print(f'{name}\t{m.collection}\t{m.filename}')
        return None
    missing = [i for i in args.inputs if not osp.exists(i)]
    if missing:
        raise SystemExit(f'input(s) not found: {", ".join(missing)}')
    t0 = time.perf_counter()
    tiling = {} if args.tile is None else dict(
        tile=args.tile, overlap=args.overlap)
    try:
        inferencer = init_inferencer(
            args.model,
            args.checkpoint,
            device=args.device,
            score_thr=args.score_thr,
            **tiling)
    except (ZooError, CheckpointError, FileNotFoundError, TilingError) as exc:
        raise SystemExit(f'error: {exc}') from None
    load_s = time.perf_counter() - t0
    results = inspect(
        inferencer,
        args.inputs,
        args.out_dir,
        batch_size=args.batch_size,
        show_progress=not args.no_progress,
        overlays=not args.no_overlays,
        extra=dict(command=' '.join(sys.argv)))
    results['timing']['load_model_s'] = round(load_s, 3)
    with open(osp.join(args.out_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    s = results['summary']
    print(f'{s["images"]} image(s): {s["defect"]} defect, {s["ok"]} OK, '
          f'{s["ood"]} out of distribution, {s["skipped"]} skipped '
          f'(unreadable{": " if s["skipped"] else ""}'
          f'{", ".join(x["input"] for x in results["skipped"])}). '
          f'Report: {osp.join(args.out_dir, "report.html")}')
    return results


if __name__ == '__main__':
    main()
