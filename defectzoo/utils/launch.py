"""Helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import os
import os.path as osp

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


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


def default_work_dir(config_path: str) -> str:
    """``./work_dirs/<config name>``, as the stock OpenMMLab tools do."""
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def set_local_rank_env(local_rank: int) -> None:
    """``torch.distributed.launch`` passes ``--local-rank``; torchrun sets
    the environment."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)


def check_cfg_options(cfg: Config, options: dict) -> None:
    """Refuse ``--cfg-options`` keys that look like typos of existing keys.

    mmengine adds an unknown key silently, so ``train_dataloader.bach_size=4``
    would only fail later inside the DataLoader. A key that is new but close
    to an existing sibling (difflib ratio >= 0.8) is reported with the
    suggestion; genuinely new keys (e.g. ``model.backbone.drop_path_rate``)
    are still accepted.
    """
    import difflib
    for key in options or {}:
        node, parts = cfg._cfg_dict, key.split('.')
        for depth, part in enumerate(parts):
            if isinstance(node, (list, tuple)) and part.isdigit():
                node = node[int(part)] if int(part) < len(node) else None
                continue
            if not isinstance(node, dict) or part in node:
                node = node.get(part) if isinstance(node, dict) else None
                continue
            close = difflib.get_close_matches(part, list(node), n=1,
                                              cutoff=0.8)
            if close:
                where = '.'.join(parts[:depth] + [close[0]])
                raise SystemExit(
                    f'--cfg-options: unknown config key {key!r}; did you '
                    f'mean {where!r}? (the config has no '
                    f'{".".join(parts[:depth + 1])!r})')
            break


def trigger_visualization_hook(cfg: Config, show: bool = False,
                               show_dir: str = None,
                               wait_time: float = 2.) -> None:
    """Turn on the config's ``default_hooks.visualization`` for
    ``tools/test.py --show / --show-dir``, as mmdet's, mmpretrain's and
    mmseg's ``test.py`` do for their own hooks.

    ``show_dir`` is resolved against the work directory (an absolute path is
    kept), whichever library's hook the config uses.
    """
    hook = (cfg.get('default_hooks') or {}).get('visualization')
    if hook is None:
        raise SystemExit(
            '--show / --show-dir need a visualization hook in the config\'s '
            "default_hooks (mmdet.DetVisualizationHook, "
            'mmpretrain.VisualizationHook or mmseg.SegVisualizationHook); '
            'self-supervised pretext configs have nothing to draw')
    if show_dir is not None:
        show_dir = osp.abspath(osp.join(cfg.work_dir, show_dir))
    kind = hook['type'].split('.')[-1]
    if kind == 'VisualizationHook':  # mmpretrain
        hook.update(enable=True, show=show, wait_time=wait_time,
                    out_dir=show_dir, interval=1)
        return
    hook.update(draw=True, show=show, wait_time=wait_time)
    if show_dir is None:
        return
    if kind == 'SegVisualizationHook':  # mmseg draws through the visualizer
        cfg.visualizer['save_dir'] = show_dir
    else:  # mmdet's DetVisualizationHook and hooks with its arguments
        hook['test_out_dir'] = show_dir


def add_tensorboard(cfg: Config) -> None:
    """Log scalars to TensorBoard too (mmengine's ``TensorboardVisBackend``,
    events in ``<work_dir>/<timestamp>/vis_data``)."""
    backends = list(cfg.visualizer.get('vis_backends') or [])
    if not any(b['type'].endswith('TensorboardVisBackend') for b in backends):
        backends.append(dict(type='TensorboardVisBackend'))
    cfg.visualizer.vis_backends = backends
