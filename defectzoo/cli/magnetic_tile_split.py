"""Write a seeded train / val / test split of the magnetic-tile dataset,
stratified by folder class, as id lists (``MT_Crack/exp1_num_249594``).

The lists equal the split the ``MagneticTile*Dataset`` classes make on the
fly with ``split='train'`` and the same ``split_ratios`` / ``split_seed``,
so classification, segmentation and detection use the same images.

Example::

    python tools/dataset_converters/magnetic_tile_split.py \
        ../shared/datasets/magnetic-tile --out-dir data/magnetic-tile-splits
"""
import argparse
from collections import Counter

from defectzoo.datasets.magnetic_tile import list_magnetic_tile
from defectzoo.utils.data.splits import (DEFAULT_RATIOS, SPLIT_NAMES,
                                         stratified_split, write_split_files)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Seeded stratified split of the magnetic-tile dataset')
    parser.add_argument('root', help='the magnetic-tile folder (MT_*/)')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument(
        '--ratios', type=float, nargs='+', default=list(DEFAULT_RATIOS))
    parser.add_argument('--names', nargs='+', default=list(SPLIT_NAMES))
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    samples = list_magnetic_tile(args.root)
    splits = stratified_split([s.sample_id for s in samples],
                              [s.folder_class for s in samples], args.ratios,
                              args.seed, args.names)
    paths = write_split_files(splits, args.out_dir)
    for name, ids in splits.items():
        counts = Counter(i.split('/')[0][3:] for i in ids)
        print(f'{paths[name]}: {len(ids)} ids (' +
              ', '.join(f'{c} {n}' for c, n in sorted(counts.items())) + ')')
    return 0
