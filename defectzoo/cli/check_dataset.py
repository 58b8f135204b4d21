"""Check a config's datasets: read every image and mask, count the classes
and list every problem (file + what is wrong).

Examples::

    python tools/misc/check_dataset.py configs/_base_/datasets/neu_det.py \
        --data-root ../shared/datasets/neu-det
    python tools/misc/check_dataset.py CONFIG --split train \
        --cfg-options train_dataloader.dataset.ann_file=splits/train.txt

Datasets are built with ``skip_invalid=True`` (where the class takes it) so
that all annotation problems are listed, then every image and mask is
decoded (``check_images='full'``). Exit status: 0 if no problem was found,
1 otherwise.
"""
import argparse

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from defectzoo.datasets.dataset_check import (SPLITS, build_for_check,
                                              check_dataset)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Read every image / mask of the datasets of a config '
        'and report class counts and problems')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--split',
        nargs='+',
        choices=SPLITS,
        default=None,
        help='splits to check (default: every split the config has)')
    parser.add_argument(
        '--data-root', help='replace data_root in every dataset checked')
    parser.add_argument(
        '--min-size',
        type=int,
        default=None,
        help='report images with a side below this many pixels (default: '
        "the dataset's min_size, 4)")
    parser.add_argument(
        '--max-pixels',
        type=int,
        default=None,
        help='report images of more pixels (width x height) than this '
        "(default: the dataset's max_pixels, 100 megapixels)")
    parser.add_argument(
        '--max-problems',
        type=int,
        default=50,
        help='problems listed per split (all are counted)')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. '
        'train_dataloader.dataset.split_seed=1')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    splits = args.split or [
        s for s in SPLITS if cfg.get(f'{s}_dataloader') is not None
    ]
    if not splits:
        print(f'{args.config}: no train/val/test dataloader', flush=True)
        return 1
    total = 0
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if loader is None or 'dataset' not in loader:
            print(f'== {split}: no {split}_dataloader.dataset in the config')
            total += 1
            continue
        limits = {
            k: v
            for k, v in (('min_size', args.min_size),
                         ('max_pixels', args.max_pixels)) if v is not None
        }
        dataset, load_errors, build_s = build_for_check(
            loader['dataset'], data_root=args.data_root, size_limits=limits)
        if dataset is None:
            print(f'== {split}: the dataset could not be built')
            for error in load_errors:
                print(f'   - {error.path}: {error.problem}')
            total += len(load_errors)
            continue
        print(
            f'Checking {split} ({type(dataset).__name__}, '
            f'{len(dataset)} samples)...',
            flush=True)
        report = check_dataset(
            dataset, split, load_errors, progress=not args.no_progress)
        report.build_seconds = build_s
        print(report.format(args.max_problems), flush=True)
        total += len(report.problems)
    print(f'{total} problem(s) found.' if total else 'No problems found.')
    return 1 if total else 0
