"""Superimpose simulated 3-D ellipsoidal defects on your own radiographs.

Mery (2021): defect-free radiographs of a part + simulated voids projected
by the attenuation law give a labelled training set with no hand labels.
Training does this on the fly (``SuperimposeEllipsoidDefects``); this tool
writes a fixed, seeded set to look at or to train other tools on.

Examples::

    python tools/dataset_converters/superimpose_defects.py \\
        data/my_part/good data/my_part/superimposed --copies 2
    # known real defects that are not labelled: COCO iscrowd=1 regions
    python tools/dataset_converters/superimpose_defects.py IN OUT \\
        --ignore-ann known_defects.json --size-range 4 40 --num-defects 1 6

Writes ``OUT/images/`` (the input's bit depth), ``OUT/annotations.json``
(COCO boxes + RLE masks, class ``defect``), ``OUT/part_masks/`` and
``OUT/sample_grid.png`` (``--grid 0``: none).
"""
import argparse
import os.path as osp
import sys

from defectzoo.datasets.synthetic.superimposed_writer import \
    write_superimposed_set
from defectzoo.utils.data.validation import InvalidDataError
from defectzoo.visualization.superimposed_grid import save_superimposed_grid


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='superimpose simulated ellipsoidal defects on good '
        'radiographs (COCO out)')
    p.add_argument('in_dir', help='folder of 8/16-bit PNG/TIFF radiographs')
    p.add_argument('out_dir', help='new or empty output folder')
    p.add_argument(
        '--num-defects',
        type=int,
        nargs=2,
        default=(1, 6),
        metavar=('MIN', 'MAX'),
        help='defects per image')
    p.add_argument(
        '--size-range',
        type=float,
        nargs=2,
        default=(4, 40),
        metavar=('MIN', 'MAX'),
        help='projected diameter in px (log-uniform)')
    p.add_argument(
        '--depth-range',
        type=float,
        nargs=2,
        default=(0.5, 2.0),
        metavar=('MIN', 'MAX'),
        help='depth axis / in-plane axis')
    p.add_argument(
        '--mu',
        type=float,
        nargs=2,
        default=(0.01, 0.04),
        metavar=('MIN', 'MAX'),
        help='attenuation per px of path (contrast)')
    p.add_argument(
        '--psf-sigma',
        type=float,
        nargs=2,
        default=(0.5, 1.0),
        metavar=('MIN', 'MAX'),
        help='detector blur (px)')
    p.add_argument(
        '--offset',
        type=float,
        default=0.0,
        help='grey value of no transmission (dark offset)')
    p.add_argument(
        '--polarity',
        choices=('bright', 'dark'),
        default='bright',
        help='bright: voids brighter (default); dark: inverted')
    p.add_argument(
        '--copies', type=int, default=1, help='defect sets per image')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument(
        '--part-mask-dir',
        help='part masks (<stem>.png, non-zero = part); '
        'default: found automatically')
    p.add_argument(
        '--ignore-ann',
        help='COCO file of known real defects (iscrowd=1: '
        'ignore regions); kept free of new defects')
    p.add_argument(
        '--grid',
        type=int,
        default=8,
        help='images in OUT/sample_grid.png (0: none)')
    args = p.parse_args(argv)
    for name in ('num_defects', 'size_range', 'mu', 'depth_range'):
        lo, hi = getattr(args, name)
        if not 0 <= lo <= hi:
            p.error(f'--{name.replace("_", "-")}: need 0 <= MIN <= MAX, got '
                    f'{lo} {hi}')
    if args.copies < 1:
        p.error(f'--copies must be >= 1, got {args.copies}')
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        coco = write_superimposed_set(
            args.in_dir,
            args.out_dir,
            seed=args.seed,
            copies=args.copies,
            part_mask_dir=args.part_mask_dir,
            ann_file=args.ignore_ann,
            num_defects=tuple(args.num_defects),
            size_range=tuple(args.size_range),
            depth_range=tuple(args.depth_range),
            mu=tuple(args.mu),
            psf_sigma=tuple(args.psf_sigma),
            offset=args.offset,
            polarity=args.polarity)
    except (InvalidDataError, FileExistsError) as err:
        sys.exit(f'{type(err).__name__}: {err}')
    n = sum(1 for a in coco['annotations'] if not a['iscrowd'])
    print(f'\n{args.out_dir}: {len(coco["images"])} images, {n} defects '
          '(annotations.json)')
    if args.grid > 0:
        out = osp.join(args.out_dir, 'sample_grid.png')
        save_superimposed_grid(
            args.out_dir, out, args.grid, source_dir=args.in_dir)
        print(f'sample grid: {out}')
