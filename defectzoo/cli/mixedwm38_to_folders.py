"""Write MixedWM38 (``Wafer_Map_Datasets.npz``) as folder-per-class PNGs.

``MixedWM38Dataset`` reads the npz directly; this is for tools that want
image files. Layout::

    OUT_DIR/<split>/<class name>/<npz index, 5 digits>.png
    OUT_DIR/meta/<split>.txt     "<split>/<class>/<file>.png <class index>"
    OUT_DIR/meta/classes.txt     the 38 class names in class-index order

``<split>`` is ``train`` / ``test`` (seeded stratified split, the same one
as ``MixedWM38Dataset(split=...)`` with the same ratio and seed) or ``all``
with ``--no-split``. Class indices follow the fixed C1..C38 order, which is
not alphabetical: read the folders with mmpretrain ``CustomDataset`` through
the ``meta`` files, e.g. ``CustomDataset(data_root=OUT_DIR,
ann_file='meta/train.txt', classes='OUT_DIR/meta/classes.txt')``.

Example::

    python tools/dataset_converters/mixedwm38_to_folders.py \\
        data/mixedwm38/Wafer_Map_Datasets.npz data/mixedwm38_png --fix-value-3
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

from defectzoo.datasets.mixedwm38 import (MIXEDWM38_CLASSES, load_mixedwm38,
                                          render_wafer_map)
from defectzoo.utils.data.splits import stratified_holdout
from defectzoo.utils.data.validation import InvalidDataError, InvalidSampleLog


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='MixedWM38 npz -> folder-per-class PNG images')
    parser.add_argument('npz', help='Wafer_Map_Datasets.npz')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--img-size',
        type=int,
        default=52,
        help='rendered size in pixels, nearest resizing '
        '(default 52 = the map size)')
    parser.add_argument(
        '--test-ratio',
        type=float,
        default=0.2,
        help='fraction of each class in test (default 0.2)')
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of the split (default 0)')
    parser.add_argument(
        '--no-split',
        action='store_true',
        help='one "all" folder instead of train/test')
    parser.add_argument(
        '--fix-value-3',
        action='store_true',
        help='read map value 3 as 2 (failing die): 105 '
        'Near_full maps of the released file have it')
    parser.add_argument(
        '--skip-invalid',
        action='store_true',
        help='skip bad maps / unknown patterns and report '
        'them')
    return parser.parse_args(argv)


def convert(npz,
            out_dir,
            img_size=52,
            test_ratio=0.2,
            seed=0,
            split=True,
            skip_invalid=False,
            value_map=None):
    """Write the PNGs and meta files; returns ``{split: count}``."""
    log = InvalidSampleLog('MixedWM38', skip_invalid)
    maps, labels, npz_index = load_mixedwm38(npz, log, value_map)
    log.summary()
    if split:
        train, test = stratified_holdout(labels, test_ratio, seed)
        parts = dict(train=train, test=test)
    else:
        parts = dict(all=np.arange(len(labels)))
    os.makedirs(osp.join(out_dir, 'meta'), exist_ok=True)
    with open(osp.join(out_dir, 'meta', 'classes.txt'), 'w') as f:
        f.write(''.join(c + '\n' for c in MIXEDWM38_CLASSES))
    counts = {}
    for name, positions in parts.items():
        lines = []
        for p in positions:
            cls = MIXEDWM38_CLASSES[labels[p]]
            rel = f'{name}/{cls}/{int(npz_index[p]):05d}.png'
            path = osp.join(out_dir, rel)
            os.makedirs(osp.dirname(path), exist_ok=True)
            img = render_wafer_map(maps[p], img_size, channels=1)
            cv2.imwrite(path, img)
            lines.append(f'{rel} {int(labels[p])}\n')
        with open(osp.join(out_dir, 'meta', f'{name}.txt'), 'w') as f:
            f.write(''.join(lines))
        counts[name] = len(lines)
    return counts


def main(argv=None):
    args = parse_args(argv)
    try:
        counts = convert(args.npz, args.out_dir, args.img_size,
                         args.test_ratio, args.seed, not args.no_split,
                         args.skip_invalid,
                         {3: 2} if args.fix_value_3 else None)
    except InvalidDataError as err:
        sys.exit(f'InvalidDataError: {err}\n(use --skip-invalid to skip bad '
                 'samples)')
    print(', '.join(f'{n} {k}' for k, n in counts.items()),
          f'images in {args.out_dir}')
