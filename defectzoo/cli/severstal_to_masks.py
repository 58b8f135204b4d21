"""Convert the Severstal CSV (RLE masks) into class-index mask PNGs.

Each image of the image folder gets ``OUT/masks/<name>.png`` (uint8, same
size as the image, read from its header): 0 = background, 1..4 = ClassId;
where two classes overlap the larger ClassId wins. Images without a CSV row
get an all-zero mask. Also writes a seeded, image-level split
``OUT/splits/{train,val}.txt`` (image names without suffix), the
``ann_file`` of ``SeverstalSegDataset`` and ``image_list`` of
``SeverstalClsDataset``.

Example::

    python tools/dataset_converters/severstal_to_masks.py data/severstal
    # = --csv data/severstal/train.csv --img-dir data/severstal/train_images
    #   --out-dir data/severstal --val-fraction 0.2 --seed 0

Stops at the first bad row (an RLE running past the image, an unknown
ClassId, an image listed in the CSV but missing) with a message naming the
file, or skips and summarises them with ``--skip-invalid``.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

from defectzoo.datasets.severstal import (image_size, list_images,
                                          read_severstal_csv,
                                          severstal_class_mask)
from defectzoo.utils.data.validation import InvalidDataError, InvalidSampleLog


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Severstal CSV -> class-index mask PNGs + split files')
    parser.add_argument(
        'data_root', help='folder with train.csv and '
        'train_images/')
    parser.add_argument(
        '--csv', help='CSV file (default DATA_ROOT/'
        'train.csv)')
    parser.add_argument(
        '--img-dir', help='image folder (default DATA_ROOT/'
        'train_images)')
    parser.add_argument(
        '--out-dir',
        help='writes OUT_DIR/masks and '
        'OUT_DIR/splits (default DATA_ROOT)')
    parser.add_argument(
        '--val-fraction',
        type=float,
        default=0.2,
        help='fraction of images in splits/val.txt '
        '(default 0.2; 0 = no split files)')
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of the split (default 0)')
    parser.add_argument(
        '--skip-invalid',
        action='store_true',
        help='skip bad rows / images and report them')
    return parser.parse_args(argv)


def convert(csv_path,
            img_dir,
            out_dir,
            val_fraction=0.2,
            seed=0,
            skip_invalid=False):
    """Write the masks and split files; returns ``(names, log)``."""
    log = InvalidSampleLog('Severstal', skip_invalid)
    rows = read_severstal_csv(csv_path, log=log)
    files = list_images(img_dir)
    by_stem = {s: n for n, s in files.items()}
    for image_id in rows:
        if image_id not in files and osp.splitext(image_id)[0] not in by_stem:
            log.record(
                InvalidDataError(
                    osp.join(img_dir, image_id),
                    f'missing image: listed in {csv_path} but not in the '
                    'image folder'))
    mask_dir = osp.join(out_dir, 'masks')
    os.makedirs(mask_dir, exist_ok=True)
    written, overlaps = [], 0
    for name, stem in files.items():
        masks = rows.get(name, rows.get(stem, []))
        try:
            shape = image_size(osp.join(img_dir, name))
            mask, overlap = severstal_class_mask(masks, shape, csv_path, name)
        except InvalidDataError as err:
            log.record(err)
            continue
        overlaps += overlap
        cv2.imwrite(osp.join(mask_dir, stem + '.png'), mask)
        written.append(stem)
    if overlaps:
        print(f'note: {overlaps} pixels were in masks of two classes '
              '(the larger ClassId was kept)')
    if val_fraction > 0:
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(written))
        n_val = int(round(val_fraction * len(written)))
        val = sorted(written[i] for i in order[:n_val])
        train = sorted(written[i] for i in order[n_val:])
        split_dir = osp.join(out_dir, 'splits')
        os.makedirs(split_dir, exist_ok=True)
        for split, names in (('train', train), ('val', val)):
            with open(osp.join(split_dir, f'{split}.txt'), 'w') as f:
                f.write(''.join(n + '\n' for n in names))
        print(f'splits: {len(train)} train / {len(val)} val in {split_dir}')
    print(f'{len(written)} masks in {mask_dir}')
    return written, log


def main(argv=None):
    args = parse_args(argv)
    csv_path = args.csv or osp.join(args.data_root, 'train.csv')
    img_dir = args.img_dir or osp.join(args.data_root, 'train_images')
    out_dir = args.out_dir or args.data_root
    try:
        _, log = convert(csv_path, img_dir, out_dir, args.val_fraction,
                         args.seed, args.skip_invalid)
    except InvalidDataError as err:
        sys.exit(f'InvalidDataError: {err}\n(use --skip-invalid to skip bad '
                 'rows and images)')
    log.summary()
