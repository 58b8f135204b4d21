"""Hooks the tools add to a config: safety hooks, progress lines,
TensorBoard, the visualization hook of ``--show`` / ``--show-dir``."""
import os.path as osp
from typing import List

from mmengine.config import Config


def trigger_visualization_hook(cfg: Config,
                               show: bool = False,
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
        hook.update(
            enable=True,
            show=show,
            wait_time=wait_time,
            out_dir=show_dir,
            interval=1)
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


#: hooks the launcher keeps whatever ``custom_hooks`` says (a config may
#: switch one off by name: ``disable_hooks = ['CheckFiniteHook']``)
SAFETY_HOOKS = ('CheckFiniteHook', 'CheckpointFitHook')

#: every hook the launcher adds (``disable_hooks`` may name these)
LAUNCHER_HOOKS = SAFETY_HOOKS + ('ProgressHook', )


def ensure_safety_hooks(cfg: Config) -> List[str]:
    """Add :data:`SAFETY_HOOKS` missing from ``cfg.custom_hooks`` (a
    config's own ``custom_hooks`` replaces the runtime's list, and with it
    the NaN stop); returns the names added, each said on the console."""
    disabled = set(cfg.get('disable_hooks') or [])
    unknown = disabled - set(LAUNCHER_HOOKS)
    if unknown:
        raise SystemExit(f'disable_hooks: {sorted(unknown)} are not '
                         f'launcher hooks (these are: {list(LAUNCHER_HOOKS)})')
    hooks = list(cfg.get('custom_hooks') or [])
    present = {str(h.get('type', '')).split('.')[-1] for h in hooks}
    added = [n for n in SAFETY_HOOKS if n not in present | disabled]
    for name in added:
        hooks.append(dict(type=f'defectzoo.{name}'))
        print(
            f'custom_hooks has no {name}: added (switch it off with '
            f"disable_hooks = ['{name}'] in the config)",
            flush=True)
    cfg.custom_hooks = hooks
    return added


def add_progress_hook(cfg: Config) -> bool:
    """Add :class:`~defectzoo.engine.hooks.ProgressHook` (progress lines at
    iterations 1, 2, 4, ... until the ``LoggerHook``'s first line; the cost
    of a CPU run) to ``cfg.custom_hooks`` unless it is there or named in
    ``disable_hooks``. Returns whether it was added (silently)."""
    hooks = list(cfg.get('custom_hooks') or [])
    present = {str(h.get('type', '')).split('.')[-1] for h in hooks}
    if {'ProgressHook'} & (present | set(cfg.get('disable_hooks') or [])):
        return False
    cfg.custom_hooks = hooks + [dict(type='defectzoo.ProgressHook')]
    return True
