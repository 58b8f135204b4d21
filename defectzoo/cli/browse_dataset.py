"""Write grids of annotated samples of a config's dataset as PNG files:
boxes with class names, masks as coloured overlays, image-level labels as
captions (the annotations as stored, before the pipeline).

Example::

    python tools/misc/browse_dataset.py configs/_base_/datasets/neu_det.py \
        --data-root ../shared/datasets/neu-det --out-dir work_dirs/browse \
        --num 16
"""
import argparse
import os

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from defectzoo.datasets.dataset_check import SPLITS, build_for_check
from defectzoo.visualization import write_sample_grids


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write annotated sample grids of a dataset as PNG')
    parser.add_argument('config', help='config file')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument('--split', choices=SPLITS, default='train')
    parser.add_argument(
        '--num', type=int, default=16, help='number of samples drawn')
    parser.add_argument(
        '--shuffle',
        action='store_true',
        help='draw random samples (see --seed)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--ncols', type=int, default=4)
    parser.add_argument(
        '--per-grid', type=int, default=16, help='samples per PNG file')
    parser.add_argument(
        '--cell-size',
        type=int,
        default=256,
        help='longest side of each sample, pixels')
    parser.add_argument('--data-root', help='replace data_root')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    dataset, errors, _ = build_for_check(
        cfg[f'{args.split}_dataloader']['dataset'],
        data_root=args.data_root,
        check_images='none',
        drop_pipeline=True)
    if dataset is None:
        for error in errors:
            print(f'{error.path}: {error.problem}')
        return 1
    if errors:
        print(f'{len(errors)} invalid sample(s) skipped '
              '(tools/misc/check_dataset.py lists them)')
    os.makedirs(args.out_dir, exist_ok=True)
    paths = write_sample_grids(
        dataset,
        args.out_dir,
        num=args.num,
        shuffle=args.shuffle,
        seed=args.seed,
        ncols=args.ncols,
        per_grid=args.per_grid,
        cell_size=args.cell_size)
    for path in paths:
        print(path)
    return 0
