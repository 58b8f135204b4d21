"""Write the synthetic X-ray castings data set and a sample grid.

Layout (see ``generate_synthetic_xray``)::

    OUT_DIR/manifest.json  unlabelled/  train/  val/  (16-bit PNG)
    OUT_DIR/annotations/{train,val}.json    COCO, classes critical / minor
    OUT_DIR/masks/{train,val}/*.png         uint8 instance-id masks
    OUT_DIR/sample_grid.png                 train images, boxes by class

Generated once: re-running with the same parameters reuses the folder;
other parameters or a foreign non-empty folder are refused.

Examples::

    python tools/misc/generate_synthetic_xray.py data/synthetic_xray
    python tools/misc/generate_synthetic_xray.py /tmp/xr --num-unlabelled 0 \\
        --num-train 6 --num-val 0 --grid-num 6 --grid-cols 3 \\
        --grid-out docs/images/synthetic_xray_grid.png
"""
import argparse
import json
import os.path as osp

import cv2
import numpy as np

from defectzoo.datasets.synthetic import generate_synthetic_xray
from defectzoo.datasets.synthetic.xray_castings import CLASSES
from defectzoo.datasets.transforms.loading import window_to_uint8
from defectzoo.utils.image_grid import tile_images

COLORS = [(40, 40, 230), (0, 190, 255)]  # BGR: critical red, minor amber


def save_grid(root: str,
              out_path: str,
              num: int = 8,
              cols: int = 4,
              tile: int = 256,
              split: str = 'train') -> str:
    """Tile the first ``num`` images of ``split`` (log intensity, 0.5-99.5
    percentile window) with their boxes coloured by class and a legend."""
    with open(osp.join(root, 'annotations', f'{split}.json')) as f:
        coco = json.load(f)
    images = coco['images'][:num]
    if not images:
        raise ValueError(f'no {split} images in {root} for the grid')
    cells = []
    for info in images:
        img = cv2.imread(
            osp.join(root, split, info['file_name']), cv2.IMREAD_UNCHANGED)
        log = np.log1p(img.astype(np.float32))  # thickness-linear display
        cell = window_to_uint8(log, *np.percentile(log, (0.5, 99.5)))
        cell = cv2.cvtColor(
            cv2.resize(cell, (tile, tile), interpolation=cv2.INTER_AREA),
            cv2.COLOR_GRAY2BGR)
        scale = tile / info['width']
        for ann in coco['annotations']:
            if ann['image_id'] == info['id']:
                x, y, w, h = (v * scale for v in ann['bbox'])
                cv2.rectangle(
                    cell, (int(x) - 3, int(y) - 3),
                    (int(np.ceil(x + w)) + 2, int(np.ceil(y + h)) + 2),
                    COLORS[ann['category_id'] - 1], 1)
        cells.append(cell)
    body = tile_images(cells, cols)
    rows = body.shape[0] // tile
    grid = np.full((body.shape[0] + 28, body.shape[1], 3), 255, np.uint8)
    grid[:body.shape[0]] = body
    x = 8
    for name, color in zip(CLASSES, COLORS):
        cv2.rectangle(grid, (x, rows * tile + 8), (x + 14, rows * tile + 20),
                      color, 2)
        cv2.putText(grid, name, (x + 20, rows * tile + 20),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        x += 110
    cv2.imwrite(out_path, grid, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return out_path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the synthetic X-ray castings data set')
    parser.add_argument('out_dir', help='output folder (new or empty)')
    # defaults = the configs' synthetic set (configs/_base_/datasets/xray_*),
    # so that they find this folder as theirs instead of refusing it
    parser.add_argument('--num-unlabelled', type=int, default=2000)
    parser.add_argument('--num-train', type=int, default=400)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--img-size', type=int, default=512)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--num-defects',
        type=int,
        nargs=2,
        default=[1, 5],
        metavar=('MIN', 'MAX'),
        help='defects per image')
    parser.add_argument(
        '--grid-num',
        type=int,
        default=8,
        help='images in the sample grid (0: no grid)')
    parser.add_argument('--grid-cols', type=int, default=4)
    parser.add_argument('--grid-tile', type=int, default=256)
    parser.add_argument(
        '--grid-out',
        default=None,
        help='grid path (default OUT_DIR/sample_grid.png)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    generate_synthetic_xray(
        args.out_dir,
        num_unlabelled=args.num_unlabelled,
        num_train=args.num_train,
        num_val=args.num_val,
        img_size=args.img_size,
        seed=args.seed,
        num_defects=args.num_defects)
    print(f'synthetic X-ray data set in {args.out_dir}')
    if args.grid_num > 0 and args.num_train > 0:
        out = args.grid_out or osp.join(args.out_dir, 'sample_grid.png')
        save_grid(args.out_dir, out, args.grid_num, args.grid_cols,
                  args.grid_tile)
        print(f'sample grid: {out}')
