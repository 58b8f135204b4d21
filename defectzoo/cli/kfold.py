"""Stratified k-fold cross-validation of a classification config.

Each fold trains the config's model from scratch (its ``init_cfg``) on
k-1 folds of the config's *train* dataset and tests it on the held-out
fold (with the pipeline of the config's test or val dataloader, else its
``test_pipeline``); the val loop is switched off, so the held-out fold is
never used to choose anything. The folds are the runs of the repeated-run
protocol (:mod:`defectzoo.evaluation.repeated_runs`): one by one, each in
its own process; a failing fold is reported and the others go on; a fold
whose ``result.json`` exists is not run again (resume = run the same
command). Examples::

    python tools/analysis_tools/kfold.py \\
        configs/mvgg19/mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py \\
        --folds 10 --seed 0 --work-dir work_dirs/mvgg19_mt_10fold
    # one fold only, in this process
    python tools/analysis_tools/kfold.py CONFIG --folds 10 --fold 3

Work directory::

    folds.json              the split (seed, labels, test indices per fold)
    fold<i>/result.json     metrics + confusion matrix of fold i
    fold<i>/run.log         console output of fold i
    kfold.csv               per-fold rows, mean and std (percent)
    confusion_matrix.png    confusion matrix summed over the folds
"""
import argparse
import copy
import json
import os
import os.path as osp

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope

from defectzoo.evaluation.kfold import (CONFUSION_KEY, METRIC_KEYS,
                                        fold_dataset_cfgs, fold_runs,
                                        kfold_evaluator, plot_confusion,
                                        train_indices)
from defectzoo.evaluation.repeated_runs import (RepeatedRuns, report,
                                                train_and_test)
from defectzoo.registry import DATASETS
from defectzoo.utils.data.splits import stratified_kfold
from .errors import reporting_errors
from .repeated_run_args import (add_common_args, child_cmd, load_config,
                                protocol_work_dir)

SPLIT_FILE = 'folds.json'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Stratified k-fold cross-validation of a config',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    add_common_args(parser)
    parser.add_argument(
        '--folds',
        type=int,
        default=10,
        help='number of folds (default 10, as the paper)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the fold assignment (default 0)')
    parser.add_argument(
        '--fold', type=int, help='run only this fold, in this process')
    return parser.parse_args(argv)


def dataset_labels(cfg: Config):
    """Labels and class names of the config's train dataset."""
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg.pop('indices', None)
    dataset = DATASETS.build(ds_cfg)
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    labels = []
    for i in range(len(dataset)):
        cat_ids = dataset.get_cat_ids(i)
        if len(cat_ids) != 1:
            raise ValueError(f'sample {i} has labels {cat_ids}: k-fold needs '
                             'single-label classification')
        labels.append(int(cat_ids[0]))
    return labels, list(dataset.metainfo.get('classes') or [])


def load_or_make_split(cfg: Config,
                       work_dir: str,
                       num_folds: int,
                       seed: int,
                       check: bool = True) -> dict:
    """The work dir's split, made (and saved) on first use; a saved split
    of another seed, fold count or dataset is an error (``check`` builds
    the dataset to compare the labels)."""
    path = osp.join(work_dir, SPLIT_FILE)
    if osp.isfile(path):
        with open(path) as f:
            split = json.load(f)
        labels = dataset_labels(cfg)[0] if check else split['labels']
        if (split['num_folds'], split['seed'], split['labels']) != \
                (num_folds, seed, labels):
            raise SystemExit(
                f'{path} holds another split ({split["num_folds"]} folds, '
                f'seed {split["seed"]}, {len(split["labels"])} samples) than '
                f'asked ({num_folds} folds, seed {seed}, {len(labels)} '
                'samples); use another --work-dir.')
        return split
    labels, classes = dataset_labels(cfg)
    split = dict(
        num_folds=num_folds,
        seed=seed,
        classes=classes,
        labels=labels,
        folds=stratified_kfold(labels, num_folds, seed))
    os.makedirs(work_dir, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(split, f)
    return split


def fold_config(cfg: Config, split: dict, fold: int) -> Config:
    """The config of one fold: its train / held-out subsets of the train
    dataset and the k-fold evaluator."""
    test_idx = split['folds'][fold]
    cfg = copy.deepcopy(cfg)
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    pipeline = loader.dataset.pipeline if loader else cfg.get('test_pipeline')
    if pipeline is None:
        raise SystemExit('the config has no test or val dataloader and no '
                         '`test_pipeline` for the held-out fold')
    train_ds, test_ds = fold_dataset_cfgs(cfg.train_dataloader.dataset,
                                          pipeline,
                                          train_indices(split['folds'],
                                                        fold), test_idx)
    cfg.train_dataloader.dataset = train_ds
    if loader is None:
        loader = copy.deepcopy(cfg.train_dataloader)
        loader.sampler = dict(type='DefaultSampler', shuffle=False)
    cfg.test_dataloader = copy.deepcopy(loader)
    cfg.test_dataloader.dataset = test_ds
    cfg.test_evaluator = kfold_evaluator(
        len(split['classes']) or max(split['labels']) + 1)
    return cfg


def run_fold(cfg: Config, split: dict, fold: int, work_dir: str,
             save_checkpoints: bool) -> dict:
    """Train and test one fold in this process; write its result.json."""
    return train_and_test(
        fold_config(cfg, split, fold),
        osp.join(work_dir, f'fold{fold}'),
        save_checkpoints,
        extra=dict(
            fold=fold,
            num_folds=split['num_folds'],
            seed=split['seed'],
            classes=split['classes']),
        keep=lambda metrics: dict(
            confusion=np.asarray(metrics[CONFUSION_KEY]).astype(int).tolist()))


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    work_dir = args.work_dir or protocol_work_dir(
        args.config, f'{args.folds}fold-seed{args.seed}')
    # a --fold child reads the split its parent has just checked
    split = load_or_make_split(
        cfg, work_dir, args.folds, args.seed, check=args.fold is None)
    if args.fold is not None:
        if not 0 <= args.fold < args.folds:
            raise SystemExit(f'--fold must be in [0, {args.folds})')
        run_fold(cfg, split, args.fold, work_dir, args.save_checkpoints)
        return
    runs = fold_runs(args.folds)
    protocol = RepeatedRuns(
        work_dir, runs,
        child_cmd('defectzoo.cli.kfold', args, work_dir, '--folds',
                  str(args.folds), '--seed', str(args.seed)))
    for run, test_idx in zip(runs, split['folds']):
        if protocol.read_result(run) is None:
            print(
                f'{run.label}: training on '
                f'{len(split["labels"]) - len(test_idx)}, testing on '
                f'{len(test_idx)} images',
                flush=True)
    results = protocol.run_all()
    report(
        osp.join(work_dir, 'kfold.csv'), runs, results, {
            col: key
            for col, key in METRIC_KEYS.items()
        })
    done = [r for r in results.values() if r]
    if done:
        png = osp.join(work_dir, 'confusion_matrix.png')
        plot_confusion(
            np.sum([r['confusion'] for r in done], axis=0), split['classes'],
            png, f'summed over {len(done)}/{args.folds} folds')
        print(f'confusion matrix (summed over folds): {png}')
    protocol.check()


if __name__ == '__main__':
    main()
