"""N-way K-shot episode evaluation of a checkpoint's embeddings.

Runs the config's test dataloader through the model (whose ``predict`` must
set ``embedding``, e.g. ``SCLArcMarginClassifier``) with the config's
test evaluator replaced by ``FewShotEpisodeMetric``: random episodes drawn
from the test images, each query assigned to the class of highest mean
cosine similarity to its K support images (Phuong et al. 2024: "The
prediction result is decided via the highest average value"). Prints
``shots | accuracy % | ±95% CI | episodes`` and writes it to
``<work-dir>/few_shot.json``. Examples::

    python tools/analysis_tools/few_shot_eval.py CONFIG CHECKPOINT
    # the NEU protocol: 3-way 1/3/5-shot, 600 episodes, 15 queries per class
    python tools/analysis_tools/few_shot_eval.py CONFIG CHECKPOINT \\
        --ways 3 --shots 1 3 5 --queries 15 --episodes 600 --seed 0 \\
        --work-dir work_dirs/scl_neu_few_shot
    # every image not in the support is a query
    python tools/analysis_tools/few_shot_eval.py CONFIG CHECKPOINT \\
        --queries 0 --cfg-options test_dataloader.batch_size=64
"""
import argparse
import json
import os
import os.path as osp

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from defectzoo.evaluation.few_shot import format_table
from defectzoo.utils.data_root import set_data_root
from .config_options import add_config_args, check_cfg_options
from .errors import reporting_errors
from .work_dir import default_work_dir

RESULT_FILE = 'few_shot.json'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='N-way K-shot episode evaluation of a checkpoint',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    parser.add_argument(
        'config',
        help='config whose test dataloader holds '
        'the (novel-class) images of the episodes')
    parser.add_argument('checkpoint', help='checkpoint file (path or URL)')
    parser.add_argument(
        '--ways', type=int, default=3, help='classes per episode (default 3)')
    parser.add_argument(
        '--shots',
        type=int,
        nargs='+',
        default=[1, 3, 5],
        help='support images per class (default 1 3 5)')
    parser.add_argument(
        '--queries',
        type=int,
        default=15,
        help='queries per class (default 15; 0 = all the '
        "class's images not in the support)")
    parser.add_argument(
        '--episodes',
        type=int,
        default=600,
        help='episodes per shot count (default 600)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the episode sampler (default 0)')
    parser.add_argument(
        '--work-dir',
        help='the dir to save logs and '
        f'{RESULT_FILE} (default ./work_dirs/<config>)')
    add_config_args(parser)
    return parser.parse_args(argv)


def few_shot_metric(args) -> dict:
    """The ``FewShotEpisodeMetric`` config for the command-line options."""
    return dict(
        type='defectzoo.FewShotEpisodeMetric',
        num_ways=args.ways,
        num_shots=list(args.shots),
        num_queries=args.queries or None,
        num_episodes=args.episodes,
        seed=args.seed)


def load_config(args) -> Config:
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    check_cfg_options(cfg, args.cfg_options)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.get('test_dataloader') is None:
        raise SystemExit(f'{args.config} has no test_dataloader to draw the '
                         'episodes from')
    cfg.launcher = 'none'
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or default_work_dir(
        args.config)
    cfg.load_from = args.checkpoint
    cfg.test_evaluator = few_shot_metric(args)
    cfg.test_cfg = cfg.get('test_cfg') or dict()
    return cfg


def result_rows(metrics: dict, args) -> list:
    """Table rows from the ``runner.test()`` metrics."""
    return [
        dict(
            shots=k,
            accuracy=float(metrics[f'few-shot/{k}-shot_acc']),
            ci95=float(metrics[f'few-shot/{k}-shot_ci95']),
            num_episodes=args.episodes) for k in args.shots
    ]


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    cfg = load_config(args)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg \
        else RUNNERS.build(cfg)
    rows = result_rows(runner.test(), args)
    print(
        f'{args.ways}-way few-shot, {args.queries or "all"} queries per '
        f'class, seed {args.seed}:\n{format_table(rows)}',
        flush=True)
    os.makedirs(cfg.work_dir, exist_ok=True)
    path = osp.join(cfg.work_dir, RESULT_FILE)
    with open(path, 'w') as f:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                ways=args.ways,
                queries=args.queries or None,
                seed=args.seed,
                results=rows),
            f,
            indent=1)
    print(f'results: {path}')
    return rows


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
