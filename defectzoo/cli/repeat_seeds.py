"""Seed repeats: train and test a config with several seeds, mean ± std.

For every seed of ``--seeds`` the config is trained from scratch with
``randomness.seed = seed`` (data order, augmentation, initialisation) and
its final weights are tested on its ``test_dataloader`` with its
``test_evaluator`` -- any task: classification, detection, segmentation.
The val loop is switched off, so the test split never chooses anything.
The seeds are the runs of the repeated-run protocol
(:mod:`defectzoo.evaluation.repeated_runs`, as k-fold and small data): one
by one, each in its own process; a failing run is reported with its log
and the others go on; a finished run is not run again (resume = the same
command). Examples::

    python tools/analysis_tools/repeat_seeds.py CONFIG --seeds 0 1 2
    # one seed only, in this process
    python tools/analysis_tools/repeat_seeds.py CONFIG --run-seed 2

Work directory::

    seed<s>/config.py       the config of that run
    seed<s>/result.json     its test metrics
    seed<s>/run.log         its console output
    seeds.csv               per-seed rows, then mean and std
"""
import argparse
import copy
import os.path as osp

from defectzoo.evaluation.repeated_runs import (RepeatedRuns, Run,
                                                metric_names, report,
                                                run_config, train_and_test)
from .errors import reporting_errors
from .repeated_run_args import (add_common_args, child_cmd, load_config,
                                protocol_work_dir)

CSV_FILE = 'seeds.csv'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train and test a config with several seeds',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    add_common_args(parser)
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='training seeds (default 0 1 2)')
    parser.add_argument(
        '--run-seed', type=int, help='run only this seed, in this process')
    args = parser.parse_args(argv)
    args.seeds = list(dict.fromkeys(args.seeds))
    return args


def seed_config(cfg, seed: int):
    cfg = copy.deepcopy(cfg)
    cfg.randomness = dict(cfg.get('randomness') or {}, seed=int(seed))
    return cfg


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    work_dir = args.work_dir or protocol_work_dir(args.config, 'seeds')
    if args.run_seed is not None:
        train_and_test(
            seed_config(cfg, args.run_seed),
            osp.join(work_dir, f'seed{args.run_seed}'),
            args.save_checkpoints,
            extra=dict(seed=args.run_seed))
        return
    run_config(cfg, work_dir)  # fail early: no test loader / evaluator
    runs = [Run(dict(seed=str(s)), ['--run-seed', str(s)]) for s in args.seeds]
    protocol = RepeatedRuns(
        work_dir, runs, child_cmd('defectzoo.cli.repeat_seeds', args,
                                  work_dir))
    results = protocol.run_all()
    names = metric_names([r for r in results.values() if r])
    report(osp.join(work_dir, CSV_FILE), runs, results, {n: n for n in names})
    protocol.check()


if __name__ == '__main__':
    main()
