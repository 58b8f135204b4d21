"""The options every repeated-run tool shares (k-fold, small data, seeds).

Each tool runs its runs one by one through
:class:`~defectzoo.evaluation.repeated_runs.RepeatedRuns`; a child process
gets the parent's options plus the arguments of its one run
(:func:`child_cmd`).
"""
import argparse
import sys
from typing import List

from mmengine.config import Config, DictAction

from defectzoo.utils.data_root import set_data_root
from .config_options import check_cfg_options
from .work_dir import default_work_dir


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``config``, ``--work-dir``, ``--save-checkpoints``, ``--data-root``
    and ``--cfg-options`` (kept as text: a child gets them as given)."""
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--work-dir', help='default: ./work_dirs/<config>_'
        '<protocol>')
    parser.add_argument(
        '--save-checkpoints',
        action='store_true',
        help="keep each run's last checkpoint (weights only; default: none "
        'are written)')
    parser.add_argument(
        '--data-root',
        help="move the config's datasets (and evaluator paths) to this data "
        'root, as on tools/train.py and tools/test.py')
    parser.add_argument(
        # kept as text (not config_options.add_config_args' DictAction):
        # each run's child process gets them as given
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='override config settings, e.g. train_cfg.max_epochs=2 '
        'train_dataloader.batch_size=8')


def load_config(args) -> Config:
    """The config with ``--data-root`` and ``--cfg-options`` applied (an
    option naming no existing key is refused)."""
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


def child_cmd(module: str, args, work_dir: str, *extra: str) -> List[str]:
    """The command of one run in a child process: ``python -m module`` with
    the parent's config, work dir and common options, then ``extra``."""
    cmd = [
        sys.executable, '-m', module, args.config, '--work-dir', work_dir,
        *extra
    ]
    if args.save_checkpoints:
        cmd.append('--save-checkpoints')
    if args.data_root:
        cmd += ['--data-root', args.data_root]
    if args.cfg_options:
        cmd += ['--cfg-options', *args.cfg_options]
    return cmd


def protocol_work_dir(config: str, protocol: str) -> str:
    """``./work_dirs/<config name>_<protocol>``."""
    return default_work_dir(config) + f'_{protocol}'
