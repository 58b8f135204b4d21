"""``--launcher``, ``--local-rank`` and ``--amp`` on any machine, and a
clean stop on SIGTERM / SIGINT."""
import argparse
import multiprocessing
import os
import signal
import sys

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def add_launcher_args(parser: argparse.ArgumentParser) -> None:
    """``--launcher`` and ``--local-rank`` (``torch.distributed.launch``;
    :func:`set_local_rank_env`) of ``train`` and ``test``."""
    parser.add_argument(
        '--launcher',
        default='none',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def setup_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Make ``--launcher pytorch`` work on machines without a GPU.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` and the Runner
    gives DDP ``device_ids=[LOCAL_RANK]``; both only fit GPUs. On a CPU-only
    machine we start the process group with the gloo backend ourselves
    (mmengine then skips its own initialisation) and wrap the model in
    :class:`~defectzoo.models.wrappers.CPUDistributedDataParallel`.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise RuntimeError(
            f'--launcher {launcher} on a machine without a GPU is not '
            'supported; use --launcher pytorch (torchrun, gloo backend).')
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper['type'] = 'defectzoo.CPUDistributedDataParallel'
    cfg.model_wrapper_cfg = wrapper
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'


def check_amp_available() -> None:
    """``--amp`` needs a GPU; say so before the Runner fails deep inside."""
    if not torch.cuda.is_available():
        raise SystemExit('--amp (automatic mixed precision) needs a CUDA GPU; '
                         'none is visible on this machine. Run without --amp.')


def set_local_rank_env(local_rank: int) -> None:
    """``torch.distributed.launch`` passes ``--local-rank``; torchrun sets
    the environment."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)


def end_workers_on_signal() -> None:
    """On SIGTERM / SIGINT, end this process's data-loader workers (and
    other multiprocessing children) before stopping with exit code 128 +
    signal: a stopped training leaves no orphan workers. The stop unwinds
    normally (``SystemExit``), so exit handlers (the work-dir lock) run."""
    main_pid = os.getpid()

    def stop(signum, frame):
        if os.getpid() != main_pid:  # a forked worker (data loader, pool)
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        children = multiprocessing.active_children()
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=5)
        name = signal.Signals(signum).name
        print(
            f'Training stopped by {name}; {len(children)} worker '
            'process(es) ended.',
            file=sys.stderr,
            flush=True)
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
