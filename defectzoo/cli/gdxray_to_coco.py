"""Convert GDXray Castings (series folders + ground_truth.txt) to COCO JSON.

Boxes: ``ground_truth.txt`` rows are ``image_index x1 x2 y1 y2`` in 1-based
inclusive MATLAB pixel coordinates; they become COCO ``[x1-1, y1-1,
x2-x1+1, y2-y1+1]``. One class, ``defect``. Only annotated series (with a
``ground_truth.txt``) are converted unless ``--include-unannotated``.

Examples::

    # everything in one file
    python tools/dataset_converters/gdxray_to_coco.py data/gdxray/Castings \\
        data/gdxray/annotations
    # series-based split: named test series ...
    python tools/dataset_converters/gdxray_to_coco.py data/gdxray/Castings \\
        data/gdxray/annotations --test-series C0001 C0002
    # ... or a seeded 20 % of the annotated series
    python tools/dataset_converters/gdxray_to_coco.py data/gdxray/Castings \\
        data/gdxray/annotations --test-fraction 0.2 --seed 0

Writes ``OUT_DIR/all.json`` (no split) or ``OUT_DIR/train.json`` +
``OUT_DIR/test.json``. Bad rows (box outside the image, zero-area box, an
image index with no file) stop the conversion with a message naming the
file, or are skipped and summarised with ``--skip-invalid``.
"""
import argparse
import json
import os
import os.path as osp
import sys

from defectzoo.datasets.gdxray import (gdxray_castings_to_coco,
                                       pick_test_series, split_coco_by_series)
from defectzoo.utils.data.validation import InvalidDataError, InvalidSampleLog


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='GDXray Castings -> COCO JSON (class "defect")')
    parser.add_argument('root', help='the GDXray "Castings" folder')
    parser.add_argument('out_dir', help='folder for the JSON files')
    split = parser.add_mutually_exclusive_group()
    split.add_argument(
        '--test-series',
        nargs='+',
        metavar='CXXXX',
        help='series that form the test split')
    split.add_argument(
        '--test-fraction',
        type=float,
        help='random fraction of the annotated series for '
        'the test split (seeded by --seed)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of --test-fraction (default 0)')
    parser.add_argument(
        '--series',
        nargs='+',
        metavar='CXXXX',
        help='convert only these series (default: all)')
    parser.add_argument(
        '--include-unannotated',
        action='store_true',
        help='also list images of series without '
        'ground_truth.txt (no boxes)')
    parser.add_argument(
        '--skip-invalid',
        action='store_true',
        help='skip bad rows/images and report them, '
        'instead of stopping at the first one')
    return parser.parse_args(argv)


def dump(coco: dict, path: str) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(coco, f)
    n_box = len(coco['annotations'])
    n_pos = len({a['image_id'] for a in coco['annotations']})
    series = sorted({im['series'] for im in coco['images']})
    print(f'{path}: {len(coco["images"])} images ({n_pos} with defects), '
          f'{n_box} boxes, series {" ".join(series)}')


def main(argv=None):
    args = parse_args(argv)
    log = InvalidSampleLog('GDXray Castings', args.skip_invalid)
    try:
        coco = gdxray_castings_to_coco(
            args.root,
            series=args.series,
            include_unannotated=args.include_unannotated,
            log=log)
    except InvalidDataError as err:
        sys.exit(f'InvalidDataError: {err}\n(use --skip-invalid to skip '
                 'bad rows and images)')
    log.summary()
    os.makedirs(args.out_dir, exist_ok=True)
    annotated = sorted(
        {im['series']
         for im in coco['images'] if im['annotated']})
    if args.test_series:
        unknown = sorted(
            set(args.test_series) - {im['series']
                                     for im in coco['images']})
        if unknown:
            sys.exit(f'--test-series: {unknown} not among the converted '
                     f'series {annotated}')
        test_series = args.test_series
    elif args.test_fraction is not None:
        test_series = pick_test_series(annotated, args.test_fraction,
                                       args.seed)
    else:
        dump(coco, osp.join(args.out_dir, 'all.json'))
        return
    train, test = split_coco_by_series(coco, test_series)
    dump(train, osp.join(args.out_dir, 'train.json'))
    dump(test, osp.join(args.out_dir, 'test.json'))
