"""Small-data protocol: train with k images per class, mean ± std over seeds.

For every ``k`` of ``--k`` and every seed of ``--seeds``, the config is
trained from scratch (its ``init_cfg`` / ``load_from``) with ``k`` and
``seed`` set in *every* ``KPerClassSubset`` dict of the config (the train
dataset, and e.g. a hook's gallery dataset) and ``randomness.seed = seed``,
then its final weights are tested on the config's ``test_dataloader`` with
its ``test_evaluator``. The val loop is switched off, so the test split is
never used to choose anything. Runs go one by one, each in its own process
(training and test in that process, as ``kfold.py`` does): a failing run is
reported with its log and the others go on; the exit code is non-zero if
any failed. A run whose ``result.json`` exists is not run again (resume =
run the same command). Examples::

    # NEU-CLS, 10 / 20 / 50 images per class, mean of 10 runs (the paper);
    # CONFIG: e.g. one built on configs/_base_/datasets/neu_cls_kshot.py
    python tools/analysis_tools/small_data.py CONFIG \\
        --k 10 20 50 --seeds 0 1 2 3 4 5 6 7 8 9 \\
        --work-dir work_dirs/scl_neu_small_data
    # quick look: 3 seeds, shorter schedule
    python tools/analysis_tools/small_data.py CONFIG --k 10 --seeds 0 1 2 \\
        --cfg-options train_cfg.max_epochs=20
    # one run only, in this process
    python tools/analysis_tools/small_data.py CONFIG --run 10 3

The config must hold at least one ``KPerClassSubset`` (see
``configs/_base_/datasets/neu_cls_kshot.py``). Work directory::

    k<k>_seed<seed>/config.py     the config of that run
    k<k>_seed<seed>/result.json   its test metrics (and train / test sizes)
    k<k>_seed<seed>/run.log       its console output
    k<k>_seed<seed>/<timestamp>/  mmengine's log of the run
    small_data.csv                per-run rows, then mean and std per k
"""
import argparse
import copy
import json
import os
import os.path as osp
import sys
import time

from mmengine.config import Config, DictAction

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..', '..'))
from defectzoo.evaluation.repeats import format_duration  # noqa: E402
from defectzoo.evaluation.repeats import (format_small_data_table,
                                          set_subset_args,
                                          summarize_small_data,
                                          write_json_atomic, write_rows_csv)
from defectzoo.utils.launch import reporting_errors  # noqa: E402
from defectzoo.utils.launch import set_data_root  # noqa: E402
from defectzoo.utils.process import run_logged  # noqa: E402

RESULT_FILE = 'result.json'
CSV_FILE = 'small_data.csv'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Small-data protocol: k images per class, several seeds',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    parser.add_argument('config', help='config with a KPerClassSubset dataset')
    parser.add_argument(
        '--k',
        type=int,
        nargs='+',
        default=[10, 20, 50],
        help='images per class (default 10 20 50)')
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=list(range(10)),
        help='subset / training seeds (default 0..9: the '
        "paper's mean of 10 runs)")
    parser.add_argument(
        '--work-dir', help='default: ./work_dirs/'
        '<config>_small-data')
    parser.add_argument(
        '--run',
        type=int,
        nargs=2,
        metavar=('K', 'SEED'),
        help='run only this (k, seed), in this process')
    parser.add_argument(
        '--save-checkpoints',
        action='store_true',
        help="keep each run's last checkpoint (weights "
        'only; default: none are written)')
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
    args = parser.parse_args(argv)
    if min(args.k) < 1:
        parser.error('--k values must be >= 1')
    args.k = list(dict.fromkeys(args.k))
    args.seeds = list(dict.fromkeys(args.seeds))
    return args


def load_config(args) -> Config:
    from defectzoo.utils.launch import check_cfg_options
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    if args.cfg_options:
        options = argparse.ArgumentParser()
        options.add_argument('--o', nargs='+', action=DictAction)
        opts = options.parse_args(['--o', *args.cfg_options]).o
        check_cfg_options(cfg, opts)
        cfg.merge_from_dict(opts)
    return cfg


def run_dir(work_dir: str, k: int, seed: int) -> str:
    return osp.join(work_dir, f'k{k}_seed{seed}')


def run_config(cfg: Config,
               k: int,
               seed: int,
               out_dir: str,
               save_checkpoints: bool = False) -> Config:
    """The config of run (k, seed): k and seed in every KPerClassSubset,
    ``randomness.seed``, no val loop, only the last checkpoint or none."""
    cfg = copy.deepcopy(cfg)
    if set_subset_args(cfg, k, seed) == 0:
        raise SystemExit('the config has no KPerClassSubset dataset: wrap '
                         'its train dataset in one (see configs/_base_/'
                         'datasets/neu_cls_kshot.py)')
    if cfg.get('test_dataloader') is None or \
            cfg.get('test_evaluator') is None:
        raise SystemExit('the config needs a test_dataloader and a '
                         'test_evaluator: the runs are scored on them')
    cfg.work_dir = out_dir
    cfg.launcher = 'none'
    cfg.randomness = dict(cfg.get('randomness') or {}, seed=int(seed))
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_cfg = cfg.get('test_cfg') or dict()
    hooks = cfg.get('default_hooks') or {}
    if save_checkpoints:
        ckpt = dict(hooks.get('checkpoint') or dict(type='CheckpointHook'))
        ckpt.update(
            interval=-1,
            save_last=True,
            save_optimizer=False,
            save_best=None,
            max_keep_ckpts=-1)
    else:
        ckpt = dict(type='CheckpointHook', interval=-1, save_last=False)
    hooks['checkpoint'] = ckpt
    cfg.default_hooks = hooks
    return cfg


def scalar_metrics(metrics: dict) -> dict:
    """The metrics that are numbers (a confusion matrix is left out)."""
    out = {}
    for name, value in metrics.items():
        try:
            out[name] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def run_one(cfg: Config,
            k: int,
            seed: int,
            work_dir: str,
            save_checkpoints: bool = False) -> dict:
    """Train and test run (k, seed) in this process; write its
    config.py and result.json."""
    from mmengine.runner import Runner
    start = time.time()
    out_dir = run_dir(work_dir, k, seed)
    cfg = run_config(cfg, k, seed, out_dir, save_checkpoints)
    os.makedirs(out_dir, exist_ok=True)
    cfg.dump(osp.join(out_dir, 'config.py'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    num_train = len(runner.train_dataloader.dataset)
    metrics = runner.test()
    result = dict(
        k=k,
        seed=seed,
        num_train=num_train,
        num_test=len(runner.test_dataloader.dataset),
        metrics=scalar_metrics(metrics),
        seconds=round(time.time() - start, 1))
    write_json_atomic(osp.join(out_dir, RESULT_FILE), result)
    return result


def read_result(work_dir: str, k: int, seed: int):
    path = osp.join(run_dir(work_dir, k, seed), RESULT_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def run_subprocess(args, work_dir: str, k: int, seed: int) -> bool:
    """Run ``--run k seed`` in a child process, its output in run.log."""
    cmd = [
        sys.executable,
        osp.abspath(__file__), args.config, '--work-dir', work_dir, '--run',
        str(k),
        str(seed)
    ]
    if args.save_checkpoints:
        cmd.append('--save-checkpoints')
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    if args.cfg_options:
        cmd += ['--cfg-options', *args.cfg_options]
    return run_logged(cmd, osp.join(run_dir(work_dir, k, seed),
                                    'run.log'), f'k={k} seed={seed}',
                      lambda: read_result(work_dir, k, seed) is not None)


def report(work_dir: str, results: dict, ks, seeds) -> str:
    """Print the table and write small_data.csv; return the table."""
    rows, names = summarize_small_data(results, ks, seeds)
    table = format_small_data_table(rows, names)
    print(f'mean ± std over seeds {seeds}:\n{table}', flush=True)
    csv_path = osp.join(work_dir, CSV_FILE)
    write_rows_csv(csv_path, rows, ['k', 'seed', 'status'] + names)
    print(f'per-run and mean/std metrics: {csv_path}', flush=True)
    return table


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    work_dir = args.work_dir or osp.join(
        './work_dirs',
        osp.splitext(osp.basename(args.config))[0] + '_small-data')
    if args.run is not None:
        run_one(cfg, *args.run, work_dir, args.save_checkpoints)
        return
    # fail early (no KPerClassSubset, no test loader) rather than per run
    run_config(cfg, args.k[0], args.seeds[0], work_dir)
    os.makedirs(work_dir, exist_ok=True)
    pairs = [(k, seed) for k in args.k for seed in args.seeds]
    results = {pair: read_result(work_dir, *pair) for pair in pairs}
    todo = sum(r is None for r in results.values())
    print(
        f'{len(pairs)} runs (k {args.k} x seeds {args.seeds}), '
        f'{len(pairs) - todo} finished earlier, {todo} to run; work dir '
        f'{work_dir}',
        flush=True)
    start, ran, failed = time.time(), 0, []
    for i, (k, seed) in enumerate(pairs, 1):
        tag = f'run {i}/{len(pairs)} k={k} seed={seed}'
        if results[(k, seed)] is not None:
            print(
                f'{tag}: done earlier ({RESULT_FILE} exists), not re-run',
                flush=True)
            continue
        print(f'{tag}: training ...', flush=True)
        t0 = time.time()
        ok = run_subprocess(args, work_dir, k, seed)
        ran += 1
        if ok:
            results[(k, seed)] = read_result(work_dir, k, seed)
        else:
            failed.append((k, seed))
        elapsed = time.time() - start
        eta = elapsed / ran * (todo - ran)
        acc = (results[(k, seed)] or {}).get('metrics',
                                             {}).get('accuracy/top1')
        print(
            f'{tag}: {"finished" if ok else "failed"} in '
            f'{format_duration(time.time() - t0)}' +
            (f', accuracy/top1 {acc:.2f}' if acc is not None else '') +
            f'; elapsed {format_duration(elapsed)}, ETA '
            f'{format_duration(eta)}',
            flush=True)
    report(work_dir, results, args.k, args.seeds)
    if failed:
        raise SystemExit(f'{len(failed)} run(s) failed: ' + ', '.join(
            f'k={k} seed={s} (log: {run_dir(work_dir, k, s)}/run.log)'
            for k, s in failed) +
                         '; run the same command again to retry them.')


if __name__ == '__main__':
    main()
