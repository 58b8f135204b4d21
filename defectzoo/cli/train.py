"""Train a model from a config (the stock OpenMMLab launcher, mmengine Runner).

Examples::

    python tools/train.py configs/xray/simmim_swin.py
    python tools/train.py CONFIG --work-dir work_dirs/run1 --resume
    python tools/train.py CONFIG --tensorboard   # + TensorBoard events
    bash tools/dist_train.sh CONFIG 2          # torchrun, 2 processes
"""
import argparse
import os

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from defectzoo.utils.classes_from_data import set_classes_from_data
from defectzoo.utils.data_root import set_data_root
from .config_options import add_config_args, check_cfg_options
from .console import add_verbose_arg, quiet_console
from .errors import fail
from .launcher import (add_launcher_args, check_amp_available,
                       end_workers_on_signal, set_local_rank_env,
                       setup_cpu_distributed)
from .run_hooks import add_progress_hook, add_tensorboard, ensure_safety_hooks
from .train_errors import train_reporting_errors
from .work_dir import check_work_dir_name, default_work_dir, lock_work_dir


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a defectzoo model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, resume from the '
        'latest checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic mixed precision (GPU only)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by the actual total batch size')
    add_config_args(parser,
                    'train_cfg.max_iters=10 train_dataloader.batch_size=2')
    parser.add_argument(
        '--tensorboard',
        action='store_true',
        help='also log to TensorBoard (mmengine TensorboardVisBackend, '
        'events in WORK_DIR/<timestamp>/vis_data)')
    add_verbose_arg(parser)
    add_launcher_args(parser)
    args = parser.parse_args(argv)
    set_local_rank_env(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge command-line arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or default_work_dir(
        args.config)
    check_work_dir_name(cfg.work_dir)
    if args.amp:
        check_amp_available()
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.data_root:
        set_data_root(cfg, args.data_root)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # num_classes='from_data': the classes of the training set
    set_classes_from_data(cfg)
    if args.tensorboard:
        add_tensorboard(cfg)
    ensure_safety_hooks(cfg)
    add_progress_hook(cfg)
    return cfg


def main(argv=None):
    args = parse_args(argv)
    quiet_console(args.verbose)
    end_workers_on_signal()
    try:
        cfg = Config.fromfile(args.config)
        check_cfg_options(cfg, args.cfg_options)
        cfg = merge_args(cfg, args)
        if int(os.environ.get('RANK', 0)) == 0:  # one lock per run
            lock_work_dir(cfg.work_dir)
        setup_cpu_distributed(cfg, args.launcher)
        runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg \
            else RUNNERS.build(cfg)
    except Exception as exc:  # SystemExit (clear messages) passes
        fail('Could not start training', exc)
    # an error ends with one message: "Could not start training: ..." while
    # datasets / loops are built and the checkpoint is loaded, "Training
    # stopped at iteration N ..." after (DEFECTZOO_DEBUG=1: tracebacks)
    train_reporting_errors(runner)
