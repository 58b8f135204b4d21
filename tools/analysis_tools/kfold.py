"""Stratified k-fold cross-validation of a classification config.

Each fold trains the config's model from scratch (its ``init_cfg``) on
k-1 folds of the config's *train* dataset and tests it on the held-out
fold (with the pipeline of the config's test or val dataloader, else its
``test_pipeline``); the val loop is switched off, so the held-out fold is
never used to choose anything. Folds run one by one,
each in its own process: a failing fold is reported and the others go on.
A fold whose ``result.json`` exists is not run again (resume = run the same
command). Examples::

    python tools/analysis_tools/kfold.py \\
        configs/mvgg19/mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py \\
        --folds 10 --seed 0 --work-dir work_dirs/mvgg19_mt_10fold
    # one fold only, in this process
    python tools/analysis_tools/kfold.py CONFIG --folds 10 --fold 3

Work directory::

    folds.json              the split (seed, labels, test indices per fold)
    fold<i>/result.json     metrics + confusion matrix of fold i
    fold<i>/fold.log        console output of fold i
    kfold.csv               per-fold rows, mean and std (percent)
    confusion_matrix.png    confusion matrix summed over the folds
"""
import argparse
import copy
import json
import os
import os.path as osp
import sys
import time

import numpy as np
from mmengine.config import Config, DictAction

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..', '..'))
from defectzoo.evaluation.kfold import CONFUSION_KEY  # noqa: E402
from defectzoo.evaluation.kfold import (METRIC_KEYS, fold_dataset_cfgs,
                                        format_table, kfold_evaluator,
                                        plot_confusion, summarize,
                                        train_indices, write_csv)
from defectzoo.evaluation.repeats import write_json_atomic  # noqa: E402
from defectzoo.utils.data.splits import stratified_kfold  # noqa: E402
from defectzoo.utils.launch import reporting_errors  # noqa: E402
from defectzoo.utils.launch import set_data_root  # noqa: E402
from defectzoo.utils.process import run_logged  # noqa: E402

SPLIT_FILE = 'folds.json'
RESULT_FILE = 'result.json'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Stratified k-fold cross-validation of a config',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    parser.add_argument('config', help='classification config file')
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
        '--work-dir',
        help='default: ./work_dirs/'
        '<config>_<k>fold-seed<seed>')
    parser.add_argument(
        '--fold', type=int, help='run only this fold, in this process')
    parser.add_argument(
        '--save-checkpoints',
        action='store_true',
        help="keep each fold's last checkpoint (default: "
        'none are written)')
    parser.add_argument(
        '--data-root',
        help='move the config\'s datasets (and evaluator paths) to this '
        'data root, as on tools/train.py and tools/test.py')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='override config settings, e.g. train_cfg.max_epochs=2 '
        'train_dataloader.batch_size=8')
    return parser.parse_args(argv)


def load_config(args) -> Config:
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    if args.cfg_options:
        options = argparse.ArgumentParser()
        options.add_argument('--o', nargs='+', action=DictAction)
        cfg.merge_from_dict(options.parse_args(['--o', *args.cfg_options]).o)
    return cfg


def dataset_labels(cfg: Config):
    """Labels and class names of the config's train dataset."""
    from mmengine.registry import init_default_scope

    from defectzoo.registry import DATASETS
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


def run_fold(cfg: Config, split: dict, fold: int, work_dir: str,
             save_checkpoints: bool) -> dict:
    """Train and test one fold in this process; write its result.json."""
    from mmengine.runner import Runner
    start = time.time()
    test_idx = split['folds'][fold]
    train_idx = train_indices(split['folds'], fold)
    fold_dir = osp.join(work_dir, f'fold{fold}')
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = fold_dir
    cfg.launcher = 'none'
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    pipeline = loader.dataset.pipeline if loader else cfg.get('test_pipeline')
    if pipeline is None:
        raise SystemExit('the config has no test or val dataloader and no '
                         '`test_pipeline` for the held-out fold')
    train_ds, test_ds = fold_dataset_cfgs(cfg.train_dataloader.dataset,
                                          pipeline, train_idx, test_idx)
    cfg.train_dataloader.dataset = train_ds
    if loader is None:
        loader = copy.deepcopy(cfg.train_dataloader)
        loader.sampler = dict(type='DefaultSampler', shuffle=False)
    cfg.test_dataloader = copy.deepcopy(loader)
    cfg.test_dataloader.dataset = test_ds
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_evaluator = kfold_evaluator(
        len(split['classes']) or max(split['labels']) + 1)
    cfg.test_cfg = cfg.get('test_cfg') or dict()
    if not save_checkpoints:
        cfg.default_hooks.checkpoint = dict(
            type='CheckpointHook', interval=-1, save_last=False)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    result = dict(
        fold=fold,
        num_folds=split['num_folds'],
        seed=split['seed'],
        num_train=len(train_idx),
        num_test=len(test_idx),
        classes=split['classes'],
        metrics={k: float(metrics[k])
                 for k in METRIC_KEYS.values()},
        confusion=np.asarray(metrics[CONFUSION_KEY]).astype(int).tolist(),
        seconds=round(time.time() - start, 1))
    write_json_atomic(osp.join(fold_dir, RESULT_FILE), result)
    return result


def read_result(work_dir: str, fold: int):
    path = osp.join(work_dir, f'fold{fold}', RESULT_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def run_fold_subprocess(args, work_dir: str, fold: int) -> bool:
    """Run ``--fold`` in a child process, its output in fold<i>/fold.log."""
    fold_dir = osp.join(work_dir, f'fold{fold}')
    os.makedirs(fold_dir, exist_ok=True)
    cmd = [
        sys.executable,
        osp.abspath(__file__), args.config, '--folds',
        str(args.folds), '--seed',
        str(args.seed), '--work-dir', work_dir, '--fold',
        str(fold)
    ]
    if args.save_checkpoints:
        cmd.append('--save-checkpoints')
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    if args.cfg_options:
        cmd += ['--cfg-options', *args.cfg_options]
    return run_logged(cmd, osp.join(fold_dir, 'fold.log'), f'fold {fold}',
                      lambda: read_result(work_dir, fold) is not None)


def report(work_dir: str, split: dict, results: dict) -> None:
    """Print the table; write kfold.csv and confusion_matrix.png."""
    rows = summarize(results, split['num_folds'])
    print(format_table(rows), flush=True)
    csv_path = osp.join(work_dir, 'kfold.csv')
    write_csv(csv_path, rows)
    print(f'per-fold and mean/std metrics (percent): {csv_path}')
    if results:
        total = np.sum([r['confusion'] for r in results.values()], axis=0)
        png = osp.join(work_dir, 'confusion_matrix.png')
        plot_confusion(
            total, split['classes'], png,
            f'summed over {len(results)}/{split["num_folds"]} '
            'folds')
        print(f'confusion matrix (summed over folds): {png}')


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    work_dir = args.work_dir or osp.join(
        './work_dirs',
        osp.splitext(osp.basename(args.config))[0] +
        f'_{args.folds}fold-seed{args.seed}')
    # a --fold child reads the split its parent has just checked
    split = load_or_make_split(
        cfg, work_dir, args.folds, args.seed, check=args.fold is None)
    if args.fold is not None:
        if not 0 <= args.fold < args.folds:
            raise SystemExit(f'--fold must be in [0, {args.folds})')
        run_fold(cfg, split, args.fold, work_dir, args.save_checkpoints)
        return
    results = {}
    for fold in range(args.folds):
        n_test = len(split['folds'][fold])
        done = read_result(work_dir, fold)
        if done is not None:
            print(
                f'fold {fold}: done earlier ({RESULT_FILE} exists), not '
                're-run',
                flush=True)
        else:
            print(
                f'fold {fold}: training on {len(split["labels"]) - n_test}'
                f', testing on {n_test} images ...',
                flush=True)
            start = time.time()
            if run_fold_subprocess(args, work_dir, fold):
                done = read_result(work_dir, fold)
                print(
                    f'fold {fold}: finished in {time.time() - start:.0f} s',
                    flush=True)
        if done is not None:
            results[fold] = done
    report(work_dir, split, results)
    if len(results) < args.folds:
        raise SystemExit(f'{args.folds - len(results)} fold(s) failed; run '
                         'the same command again to retry them.')


if __name__ == '__main__':
    main()
