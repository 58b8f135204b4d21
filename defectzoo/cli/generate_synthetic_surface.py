"""Write the synthetic surface-defect images to disk in the NEU-DET layout.

``SyntheticSurfaceDefectDataset`` generates samples on the fly; this writes
the same samples (same seed, split and index → same image) as files, for
tools that want them, plus a sample grid::

    OUT_DIR/IMAGES/<class>_<n>.jpg        grayscale image
    OUT_DIR/ANNOTATIONS/<class>_<n>.xml   Pascal VOC boxes (1-based corners)
    OUT_DIR/MASKS/<class>_<n>.png         class-index mask, 0 = background,
                                          1..5 = scratch spot patch crack
                                          inclusion
    OUT_DIR/grid.png                      one column per class

Examples::

    python tools/misc/generate_synthetic_surface.py data/synthetic_surface
    python tools/misc/generate_synthetic_surface.py data/ss \\
        --num-per-class 50 --with-defect-free --seed 1
    # only the grid (e.g. for the docs)
    python tools/misc/generate_synthetic_surface.py docs/images --grid-only \\
        --grid-name synthetic_surface_grid.png
"""
import argparse
import os
import os.path as osp
import time

from defectzoo.datasets import SyntheticSurfaceDefectDataset
from defectzoo.datasets.synthetic import (DEFECT_CLASSES, save_sample_grid,
                                          write_neu_layout)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write synthetic surface-defect images (NEU layout)')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--num-per-class',
        type=int,
        default=300,
        help='images per class (default 300, as NEU)')
    parser.add_argument(
        '--img-size',
        type=int,
        default=200,
        help='image side in pixels (default 200, as NEU)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--split', default='train', choices=['train', 'val', 'test'])
    parser.add_argument(
        '--classes',
        nargs='+',
        default=list(DEFECT_CLASSES),
        choices=list(DEFECT_CLASSES),
        help='defect classes (default all five)')
    parser.add_argument(
        '--with-defect-free',
        action='store_true',
        help='add a "defect_free" class')
    parser.add_argument(
        '--ext',
        default='.jpg',
        choices=['.jpg', '.png'],
        help='image format (default .jpg, as NEU)')
    parser.add_argument(
        '--grid-name',
        default='grid.png',
        help='file name of the sample grid in OUT_DIR')
    parser.add_argument('--grid-rows', type=int, default=3)
    parser.add_argument('--grid-tile', type=int, default=112)
    parser.add_argument(
        '--grid-only', action='store_true', help='write only the sample grid')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    ncls = len(args.classes) + args.with_defect_free
    dataset = SyntheticSurfaceDefectDataset(
        task='cls',
        num_samples=args.num_per_class * ncls,
        split=args.split,
        seed=args.seed,
        img_size=args.img_size,
        defect_classes=args.classes,
        with_defect_free=args.with_defect_free,
        color_type='grayscale')
    os.makedirs(args.out_dir, exist_ok=True)
    if not args.grid_only:
        start = time.time()
        counts = write_neu_layout(args.out_dir, dataset, args.ext)
        print(f'{sum(counts.values())} images in {args.out_dir} '
              f'({", ".join(f"{k} {v}" for k, v in counts.items())}) in '
              f'{time.time() - start:.0f} s')
    grid_path = osp.join(args.out_dir, args.grid_name)
    save_sample_grid(
        dataset, grid_path, rows=args.grid_rows, tile=args.grid_tile)
    print(f'sample grid: {grid_path} '
          f'({osp.getsize(grid_path) / 1024:.0f} KB)')
