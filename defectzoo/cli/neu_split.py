"""Write a seeded, stratified train / val / test split of NEU as id lists.

Every class is divided in the given ratios (largest-remainder rounding), so
with the default 0.7 / 0.1 / 0.2 each of the six classes of 300 images
gives 210 / 30 / 60. The same seed always gives the same lists, whatever
order the files are listed in, and they equal the split that
``NEUClsDataset`` / ``NEUDetDataset`` make on the fly with
``split='train'`` and the same ``split_ratios`` / ``split_seed``.

Example::

    python tools/dataset_converters/neu_split.py ../shared/datasets/neu-det \
        --out-dir data/neu-det-splits --ratios 0.7 0.1 0.2 --seed 0
    # then in a config: ann_file='/abs/path/data/neu-det-splits/train.txt'

Output: ``OUT/train.txt``, ``OUT/val.txt``, ``OUT/test.txt`` with one id
(``crazing_12``) a line. Files whose name starts with no NEU class are
reported and stop the tool (``--skip-invalid`` leaves them out).
"""
import argparse
import os.path as osp
from collections import Counter

from defectzoo.datasets.neu import (NEU_CLASSES, list_neu_images,
                                    parse_neu_class)
from defectzoo.utils.data.splits import (DEFAULT_RATIOS, SPLIT_NAMES,
                                         stratified_split, write_split_files)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Seeded stratified split of NEU into id lists')
    parser.add_argument('neu_root', help='the neu-det folder (has IMAGES/)')
    parser.add_argument('--img-subdir', default='IMAGES')
    parser.add_argument(
        '--out-dir',
        required=True,
        help='where train.txt / val.txt / test.txt go')
    parser.add_argument(
        '--ratios',
        type=float,
        nargs='+',
        default=list(DEFAULT_RATIOS),
        help='one ratio per split (normalised)')
    parser.add_argument(
        '--names',
        nargs='+',
        default=list(SPLIT_NAMES),
        help='split names, as many as --ratios')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--classes',
        nargs='+',
        default=None,
        help='extra class names of a data set in NEU\'s layout (e.g. the '
        'synthetic surface defects), matched like the NEU ones')
    parser.add_argument(
        '--skip-invalid',
        action='store_true',
        help='leave out files of unknown class')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    img_dir = osp.join(args.neu_root, args.img_subdir)
    stems = list_neu_images(img_dir)
    known = tuple(NEU_CLASSES) + tuple(
        c for c in (args.classes or ()) if c not in NEU_CLASSES)
    ids, labels, unknown = [], [], []
    for stem, name in stems.items():
        label = parse_neu_class(stem, known)
        if label is None:
            unknown.append(osp.join(img_dir, name))
        else:
            ids.append(stem)
            labels.append(label)
    for path in unknown:
        print(f'{path}: unknown class (file name starts with no NEU class)')
    if unknown and not args.skip_invalid:
        return 1
    splits = stratified_split(ids, labels, args.ratios, args.seed, args.names)
    paths = write_split_files(splits, args.out_dir)
    label_of = dict(zip(ids, labels))
    for name, split_ids in splits.items():
        counts = Counter(label_of[i] for i in split_ids)
        print(f'{paths[name]}: {len(split_ids)} ids (' +
              ', '.join(f'{c} {n}' for c, n in sorted(counts.items())) + ')')
    return 0
