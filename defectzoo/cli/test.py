"""Test (evaluate) a checkpoint with the config's test dataloader/evaluator.

Examples::

    python tools/test.py CONFIG CHECKPOINT
    python tools/test.py CONFIG CHECKPOINT --out results.pkl
    python tools/test.py CONFIG CHECKPOINT --out predictions.json
    python tools/test.py CONFIG CHECKPOINT --show-dir vis  # painted images
    python tools/test.py CONFIG CHECKPOINT --show-grid preds.png  # detectors
    python tools/test.py CONFIG CHECKPOINT --tta  # test-time augmentation
    bash tools/dist_test.sh CONFIG CHECKPOINT 2
"""
import argparse
import os.path as osp

from mmengine.config import Config
from mmengine.evaluator import DumpResults
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from defectzoo.evaluation.metrics import DumpPredictionsJSON
from defectzoo.utils.classes_from_data import set_classes_from_data
from defectzoo.utils.data_root import set_data_root
from .config_options import add_config_args, check_cfg_options
from .console import add_verbose_arg, quiet_console
from .errors import fail, is_clear_error
from .launcher import (add_launcher_args, set_local_rank_env,
                       setup_cpu_distributed)
from .run_hooks import add_tensorboard, trigger_visualization_hook
from .tta import apply_tta
from .work_dir import default_work_dir


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a defectzoo model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file (path or URL)')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument(
        '--out',
        help='dump predictions: .pkl = raw data samples '
        "(mmengine's DumpResults); .json = per-image boxes / scores / class "
        'names (detectors) or predicted class and scores (classifiers)')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory where painted images will be saved '
        '(relative to the work dir), by the visualization hook of the config')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--tensorboard',
        action='store_true',
        help='also log to TensorBoard (mmengine TensorboardVisBackend)')
    parser.add_argument(
        '--show-grid',
        metavar='PNG',
        help='detectors: save a grid of ground truth | predictions of the '
        'first --grid-images test images (DetPredGridHook)')
    parser.add_argument('--grid-images', type=int, default=16)
    parser.add_argument(
        '--tta',
        action='store_true',
        help="test-time augmentation: the config's tta_model / tta_pipeline "
        "(mmdet's DetTTAModel, mmpretrain's AverageClsScoreTTA), or flip TTA "
        'when the config has none')
    parser.add_argument('--grid-score-thr', type=float, default=0.3)
    add_config_args(parser)
    add_verbose_arg(parser)
    add_launcher_args(parser)
    args = parser.parse_args(argv)
    set_local_rank_env(args.local_rank)
    return args


def build_runner(args):
    """The config with the command-line arguments, and its Runner."""
    cfg = Config.fromfile(args.config)
    check_cfg_options(cfg, args.cfg_options)
    cfg.launcher = args.launcher
    if args.data_root:
        set_data_root(cfg, args.data_root)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or default_work_dir(
        args.config)
    cfg.load_from = args.checkpoint
    set_classes_from_data(cfg, args.checkpoint)  # num_classes='from_data'
    if args.tta:
        apply_tta(cfg)
    # the checkpoint must fit the model (CheckpointFitHook, also in
    # default_runtime.py): add it when a config's custom_hooks lack it
    hooks = list(cfg.get('custom_hooks', []))
    if not any(
            str(h.get('type')).endswith('CheckpointFitHook') for h in hooks):
        cfg.custom_hooks = hooks + [dict(type='defectzoo.CheckpointFitHook')]
    if args.show or args.show_dir:
        trigger_visualization_hook(cfg, args.show, args.show_dir,
                                   args.wait_time)
    if args.tensorboard:
        add_tensorboard(cfg)
    if args.show_grid:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(
                type='defectzoo.DetPredGridHook',
                out_file=args.show_grid,
                num_images=args.grid_images,
                score_thr=args.grid_score_thr)
        ]
    setup_cpu_distributed(cfg, args.launcher)
    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle', '.json')):
            raise SystemExit(f'--out must end with .pkl or .json, got '
                             f'{args.out}')
        if osp.exists(args.out):
            raise SystemExit(f'--out {args.out} exists; choose another path '
                             '(results are never overwritten)')
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg \
        else RUNNERS.build(cfg)
    if args.out is not None:
        runner.test_evaluator.metrics.append(
            DumpPredictionsJSON(args.out) if args.out.
            endswith('.json') else DumpResults(out_file_path=args.out))
        if args.out.endswith('.json'):  # dataset_meta was set before
            runner.test_evaluator.metrics[-1].dataset_meta = \
                runner.test_evaluator.dataset_meta
    return runner


def run(argv=None):
    args = parse_args(argv)
    quiet_console(args.verbose)
    try:
        runner = build_runner(args)
    except Exception as exc:  # SystemExit (clear messages) passes
        fail('Could not start testing', exc)
    try:
        return runner.test()
    except Exception as exc:
        if is_clear_error(exc):  # bad data, a checkpoint that does not fit
            fail('Testing failed', exc, logged=True)
        raise


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
