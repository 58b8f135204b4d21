"""Small-data protocol: train with k images per class, mean ± std over seeds.

For every ``k`` of ``--k`` and every seed of ``--seeds``, the config is
trained from scratch (its ``init_cfg`` / ``load_from``) with ``k`` and
``seed`` set in *every* ``KPerClassSubset`` dict of the config (the train
dataset, and e.g. a hook's gallery dataset) and ``randomness.seed = seed``,
then its final weights are tested on the config's ``test_dataloader`` with
its ``test_evaluator``. The val loop is switched off, so the test split is
never used to choose anything. The (k, seed) pairs are the runs of the
repeated-run protocol (:mod:`defectzoo.evaluation.repeated_runs`): one by
one, each in its own process; a failing run is reported with its log and
the others go on; the exit code is non-zero if any failed. A run whose
``result.json`` exists is not run again (resume = run the same command).
Examples::

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
import os.path as osp

from mmengine.config import Config

from defectzoo.evaluation.repeated_runs import (RepeatedRuns, Run,
                                                metric_names, report,
                                                run_config, train_and_test)
from defectzoo.evaluation.small_data import set_subset_args
from .errors import reporting_errors
from .repeated_run_args import (add_common_args, child_cmd, load_config,
                                protocol_work_dir)

CSV_FILE = 'small_data.csv'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Small-data protocol: k images per class, several seeds',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    add_common_args(parser)
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
        '--run',
        type=int,
        nargs=2,
        metavar=('K', 'SEED'),
        help='run only this (k, seed), in this process')
    args = parser.parse_args(argv)
    if min(args.k) < 1:
        parser.error('--k values must be >= 1')
    args.k = list(dict.fromkeys(args.k))
    args.seeds = list(dict.fromkeys(args.seeds))
    return args


def draw_config(cfg: Config, k: int, seed: int) -> Config:
    """The config of run (k, seed): k and seed in every KPerClassSubset and
    ``randomness.seed``."""
    cfg = copy.deepcopy(cfg)
    if set_subset_args(cfg, k, seed) == 0:
        raise SystemExit('the config has no KPerClassSubset dataset: wrap '
                         'its train dataset in one (see configs/_base_/'
                         'datasets/neu_cls_kshot.py)')
    cfg.randomness = dict(cfg.get('randomness') or {}, seed=int(seed))
    return cfg


def runs_of(ks, seeds):
    return [
        Run(dict(k=str(k), seed=str(s)),
            ['--run', str(k), str(s)]) for k in ks for s in seeds
    ]


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    work_dir = args.work_dir or protocol_work_dir(args.config, 'small-data')
    if args.run is not None:
        k, seed = args.run
        train_and_test(
            draw_config(cfg, k, seed),
            osp.join(work_dir, f'k{k}_seed{seed}'),
            args.save_checkpoints,
            extra=dict(k=k, seed=seed))
        return
    # fail early (no KPerClassSubset, no test loader) rather than per run
    run_config(draw_config(cfg, args.k[0], args.seeds[0]), work_dir)
    runs = runs_of(args.k, args.seeds)
    protocol = RepeatedRuns(
        work_dir, runs, child_cmd('defectzoo.cli.small_data', args, work_dir))
    results = protocol.run_all()
    names = metric_names([r for r in results.values() if r])
    print(f'mean ± std over seeds {args.seeds}:', flush=True)
    report(osp.join(work_dir, CSV_FILE), runs, results, {n: n for n in names})
    protocol.check()


if __name__ == '__main__':
    main()
