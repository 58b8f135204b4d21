"""Helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import logging
import os
import os.path as osp
import re
import sys
import warnings
from copy import deepcopy
from typing import List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config, ConfigDict
from mmengine.hooks import Hook
from mmengine.logging import print_log

from .checkpoint import CheckpointError, UnsafeCheckpointError
from .data.validation import InvalidDataError

#: Top-level config keys that ``Runner.from_cfg`` (and mmengine's Config,
#: the stock tools) read. Any other top-level key is a config *variable*:
#: its value was copied where it is used when the file was parsed, so
#: setting it afterwards with ``--cfg-options`` changes nothing.
RUNNER_KEYS = frozenset({
    'model', 'work_dir', 'experiment_name', 'train_dataloader',
    'val_dataloader', 'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg',
    'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor',
    'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'cfg', 'custom_imports',
    'model_wrapper_cfg', 'runner_type', 'compile', 'strategy', 'tta_model',
    'tta_pipeline', 'gpu_ids', 'vis_backends'
})

#: Environment variable: show the full traceback of a tool's error.
DEBUG_ENV = 'DEFECTZOO_DEBUG'


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


def check_work_dir_name(work_dir: str) -> None:
    """mmengine writes the work directory's path into text files (UTF-8):
    refuse a path that is not valid UTF-8 before anything is written."""
    try:
        work_dir.encode('utf-8')
    except UnicodeEncodeError:
        raise SystemExit(f'--work-dir {safe_text(work_dir)!r}: the path is '
                         'not valid UTF-8, which mmengine cannot write into '
                         'its logs and last_checkpoint file; choose '
                         'another directory.') from None


def set_local_rank_env(local_rank: int) -> None:
    """``torch.distributed.launch`` passes ``--local-rank``; torchrun sets
    the environment."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)


def check_cfg_options(cfg: Config, options: dict, extra_top_level_keys=()):
    """Refuse ``--cfg-options`` that would not do what they say.

    * a key that looks like a typo of an existing key (mmengine adds unknown
      keys silently, so ``train_dataloader.bach_size=4`` would only fail
      later inside the DataLoader): a new key close to an existing sibling
      (difflib ratio >= 0.8) is reported with the suggestion; genuinely new
      keys (e.g. ``model.backbone.drop_path_rate``) are accepted;
    * a top-level key that nothing reads (``data_root=X``, ``batch_size=N``,
      ``train_pipeline=...``): config variables were substituted when the
      file was parsed, so changing them afterwards does nothing. Accepted
      top-level keys: :data:`RUNNER_KEYS`, keys whose name is a value of
      the config (a hook's ``dataloader='gallery_dataloader'``) and
      ``extra_top_level_keys`` (keys a tool reads itself);
    * a value that is not a number where the config has a number
      (``optim_wrapper.optimizer.lr=abc``), naming the key.
    """
    import difflib
    top_level = RUNNER_KEYS | set(extra_top_level_keys)
    for key, value in (options or {}).items():
        parts = key.split('.')
        if parts[0] not in top_level and not _named_in_config(cfg, parts[0]):
            uses = _paths_with_value(cfg, parts[0])
            hint = (f' Its value is used at {", ".join(uses[:6])}: set '
                    'those keys instead'
                    if uses else ' Set the key where it is used (e.g. '
                    'train_dataloader.batch_size)')
            if parts[0] in ('data_root', 'data_prefix'):
                hint += ', or use --data-root'
            raise SystemExit(
                f'--cfg-options {key}: {parts[0]!r} is not read by the '
                'Runner; a config variable is copied where it is used when '
                'the config file is parsed, so changing it afterwards would '
                f'do nothing.{hint}.')
        node, found = cfg._cfg_dict, True
        for depth, part in enumerate(parts):
            if isinstance(node, (list, tuple)) and part.isdigit():
                node = node[int(part)] if int(part) < len(node) else None
                continue
            if isinstance(node, dict) and part in node:
                node = node.get(part)
                continue
            found = False
            if not isinstance(node, dict):
                break
            close = difflib.get_close_matches(
                part, list(node), n=1, cutoff=0.8)
            if close:
                where = '.'.join(parts[:depth] + [close[0]])
                raise SystemExit(
                    f'--cfg-options: unknown config key {key!r}; did you '
                    f'mean {where!r}? (the config has no '
                    f'{".".join(parts[:depth + 1])!r})')
            break
        if found and isinstance(node, (int, float)) and not isinstance(
                node, bool) and not isinstance(value, (int, float)):
            raise SystemExit(
                f'--cfg-options {key}={value}: {parts[-1]!r} must be a '
                f'number (the config has {node!r}), got {value!r}')


def _paths_with_value(cfg: Config, key: str, limit: int = 6) -> list:
    """Dotted paths of the config (other than ``key`` itself) that hold the
    value of the top-level ``key`` (strings: also as the start of a
    longer one, e.g. ``data_root + 'annotations/...'``)."""
    value = cfg.get(key)
    if value is None or value == '' or value == [] or value == {}:
        return []
    found = []

    def visit(node, path):
        if len(found) >= limit or path == key:
            return
        if path and (node == value or
                     (isinstance(value, str) and isinstance(node, str)
                      and node.startswith(value))):
            found.append(path)
        elif isinstance(node, dict):
            for k, v in node.items():
                visit(v, f'{path}.{k}' if path else str(k))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                visit(v, f'{path}.{i}')

    visit(cfg._cfg_dict.to_dict(), '')
    return found


def _named_in_config(cfg: Config, name: str) -> bool:
    """Whether a string value of the config is ``name`` (a hook reading
    ``runner.cfg[name]``, e.g. ``ReferenceGalleryHook(dataloader=...)``)."""

    def visit(node):
        if isinstance(node, dict):
            return any(visit(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return any(visit(v) for v in node)
        return node == name

    return visit({
        k: v
        for k, v in cfg._cfg_dict.to_dict().items() if k != name
    })


DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
EVALUATORS = ('val_evaluator', 'test_evaluator')


def leaf_dataset_cfgs(node) -> list:
    """The leaf dataset dicts of a dataloader's ``dataset`` (through
    wrappers: ``dataset=...`` / ``datasets=[...]``)."""
    if not isinstance(node, dict):
        return []
    if isinstance(node.get('datasets'), (list, tuple)):
        return [d for sub in node['datasets'] for d in leaf_dataset_cfgs(sub)]
    if isinstance(node.get('dataset'), dict):
        return leaf_dataset_cfgs(node['dataset'])
    return [node]


def set_data_root(cfg: Config, data_root: str) -> list:
    """Move every dataloader's dataset and every evaluator of ``cfg`` to
    ``data_root`` (``--data-root`` of ``tools/train.py`` / ``test.py``).
    A dataset that would generate synthetic data (``synthetic=dict(...)``)
    reads the folder as it is instead (``synthetic=None``).

    The config's data root is the ``data_root`` of its datasets (one value
    for all of them). Each dataset gets ``data_root``; any other path of a
    dataloader or evaluator that starts with the old root (an evaluator's
    ``ann_file``, a dataset's absolute ``ann_file`` / ``data_prefix``) is
    moved under the new one. Returns the changed keys.

    Raises:
        SystemExit: the datasets use several data roots.
    """
    old_roots = {
        d.get('data_root')
        for name in DATALOADERS if cfg.get(name)
        for d in leaf_dataset_cfgs(cfg[name].get('dataset'))
        if d.get('data_root')
    }
    if len(old_roots) > 1:
        raise SystemExit(
            f"--data-root: the config's datasets use several data roots "
            f'({", ".join(sorted(old_roots))}); set each with --cfg-options '
            '<loader>.dataset.data_root=...')
    old = old_roots.pop() if old_roots else None
    changed = []

    def rebase(node, path):
        if isinstance(node, dict):
            for k in list(node):
                node[k] = rebase(node[k], f'{path}.{k}')
        elif isinstance(node, list):
            for i, v in enumerate(node):
                node[i] = rebase(v, f'{path}.{i}')
        elif isinstance(node, str) and old and (
                node == old or node.startswith(old.rstrip('/') + '/')):
            changed.append(path)
            return data_root.rstrip('/') + node[len(old.rstrip('/')):]
        return node

    for name in DATALOADERS + EVALUATORS:
        if cfg.get(name) is None:
            continue
        cfg[name] = rebase(cfg[name], name)
        if name in DATALOADERS:
            for i, dataset in enumerate(
                    leaf_dataset_cfgs(cfg[name].get('dataset'))):
                if dataset.get('data_root') != data_root:
                    changed.append(f'{name}...dataset[{i}].data_root')
                dataset['data_root'] = data_root
                if dataset.get('synthetic') is not None:
                    # your data, read as it is: nothing is generated there
                    dataset['synthetic'] = None
                    changed.append(f'{name}...dataset[{i}].synthetic')
    return changed


def safe_text(text: str) -> str:
    """``text`` printable on any stream: undecodable bytes of non-UTF-8
    file names (surrogate escapes) become ``\\xNN``-like escapes instead
    of making the logging handler fail."""
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')


def error_message(exc: BaseException) -> str:
    """``Type: message`` of an exception, safe to print."""
    text = str(exc) or repr(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = str(exc.args[0])
    return safe_text(f'{type(exc).__name__}: {text}')


def fail(what: str, exc: BaseException, logged: bool = False) -> None:
    """Report ``exc`` as one clear message and exit with code 1 (the full
    traceback with ``DEFECTZOO_DEBUG=1``)."""
    if os.environ.get(DEBUG_ENV):
        raise exc
    message = f'{what}: {error_message(exc)}'
    if logged:
        print_log(message, logger='current', level=logging.ERROR)
    else:
        print(message, file=sys.stderr, flush=True)
    raise SystemExit(1)


def is_clear_error(exc: BaseException) -> bool:
    """Errors whose message says everything (bad data, non-finite values,
    unreadable / unfitting / unsafe checkpoints): no traceback needed."""
    return isinstance(exc, (InvalidDataError, CheckpointError,
                            UnsafeCheckpointError, FloatingPointError))


class TrainingStarted(Hook):
    """Records that setup is over: the first ``before_train`` has run
    (datasets, loops, optimizer built; checkpoint loaded or resumed)."""
    priority = 'HIGHEST'

    def __init__(self):
        self.started = False

    def before_train(self, runner) -> None:
        self.started = True


def empty_epoch_error(loop) -> Optional[ValueError]:
    """The reason when a built train loop has no batch in an epoch (the
    schedulers then fail with ``epoch_length must be a positive integer,
    but got 0``): fewer samples than one batch with ``drop_last=True``."""
    loader = getattr(loop, 'dataloader', None)
    try:
        if loader is None or len(loader) > 0:
            return None
        num = len(loader.dataset)
    except TypeError:  # an iterable without a length
        return None
    return ValueError(
        f'the training set has {num} sample(s), fewer than one batch of '
        f'{loader.batch_size}, and drop_last=True drops the incomplete '
        'batch: an epoch has no iteration. Lower train_dataloader.'
        'batch_size (--cfg-options train_dataloader.batch_size=N) or add '
        'images.')


def train_reporting_errors(runner) -> None:
    """``runner.train()``; an error ends with one clear message and exit
    code 1.

    * during setup (building datasets, loops, optimizer; loading or
      resuming a checkpoint): ``Could not start training: <error>``;
    * during training: ``Training stopped after N iteration(s), E
      epoch(s) completed: <error>``, where the checkpoints are and how to
      continue; errors other than bad data / non-finite values /
      checkpoints keep their traceback (a bug is more likely).

    ``runner.iter`` is read only once the train loop exists (reading it
    earlier builds the loop again, which raises again).
    """
    from mmengine.runner import BaseLoop
    started = TrainingStarted()
    runner.register_hook(started)
    try:
        runner.train()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        loop = getattr(runner, '_train_loop', None)
        if not started.started or not isinstance(loop, BaseLoop):
            fail(
                'Could not start training',
                empty_epoch_error(loop) or exc,
                logged=True)
        message = safe_text(
            f'Training stopped after {runner.iter} iteration(s), '
            f'{runner.epoch} epoch(s) completed: '
            f'{error_message(exc).rstrip(".")}. '
            f'Checkpoints and logs are in {runner.work_dir}; continue with '
            '--resume once the cause is fixed.')
        print_log(message, logger='current', level=logging.ERROR)
        if is_clear_error(exc) and not os.environ.get(DEBUG_ENV):
            raise SystemExit(1)
        raise


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


def apply_tta(cfg: Config) -> None:
    """Wrap the model in the config's TTA model and test with its pipeline
    (as mmdet's / mmpretrain's ``tools/test.py --tta`` do)."""
    pipeline = cfg.test_dataloader.dataset.pipeline
    is_det = 'DetInputs' in str(pipeline[-1]['type'])
    if 'tta_model' not in cfg:
        cfg.tta_model = dict(
            type='mmdet.DetTTAModel',
            tta_cfg=dict(
                nms=dict(type='nms', iou_threshold=0.5),
                max_per_img=100)) if is_det else dict(
                    type='mmpretrain.AverageClsScoreTTA')
    if 'tta_pipeline' not in cfg:
        pack = deepcopy(pipeline[-1])
        if is_det:
            pack['meta_keys'] = tuple(
                pack.get('meta_keys',
                         ('img_id', 'img_path', 'ori_shape', 'img_shape',
                          'scale_factor'))) + ('flip', 'flip_direction')
        flip = 'mmdet.RandomFlip' if is_det else 'mmpretrain.RandomFlip'
        cfg.tta_pipeline = list(pipeline[:-1]) + [
            dict(
                type='TestTimeAug',
                # the unflipped view first: merged predictions keep its
                # data sample (and ground truth)
                transforms=[[
                    dict(type=flip, prob=0.),
                    dict(type=flip, prob=1.)
                ], [pack]])
        ]
    if 'data_preprocessor' in cfg.model:
        # the Runner gives a top-level ``data_preprocessor`` to the outer
        # model: the wrapped model's own one must win, as it does untested
        cfg.data_preprocessor = deepcopy(cfg.model.data_preprocessor)
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline


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


#: Console lines dropped by :func:`quiet_console` (regular expressions
#: matched at the start of the message): mmengine's hook table, its line
#: per parameter with a ``paramwise_cfg`` option (hundreds for a Swin) or
#: shared by two modules with ``bypass_duplicate=True`` (RTMDet's head),
#: and the deprecation notices mmengine's own ``CheckpointHook`` triggers
#: (it creates a ``FileClient``).
QUIET_LOG_MESSAGES = (
    r'Hooks will be executed in the following order',
    r'paramwise_options -- ',
    r'\S+ is duplicate\. It is skipped since bypass_duplicate=True',
    r'"FileClient" will be deprecated in future',
    r'"HardDiskBackend" is the alias of "LocalBackend"',
)
#: Python warnings hidden by :func:`quiet_console`: (category, message
#: regex, module regex of the code that triggers them). Raised by
#: third-party code, and nothing a defectzoo user can act on.
QUIET_WARNINGS = (
    # mmdet 3.3's CSPDarknet / SELayer call torch.cuda.amp.autocast
    (FutureWarning, r'`torch\.cuda\.amp\.autocast\(args\.\.\.\)` is '
     r'deprecated', r'mmdet\.'),
    # mmdet 3.3's MlvlPointGenerator (RTMDet priors); torch reports it
    # from torch.functional, whoever calls
    (UserWarning, r'torch\.meshgrid: in an upcoming release, it will be '
     r'required to pass the indexing argument', r'torch\.functional'),
    # mmseg 1.2's BaseDecodeHead builds its losses with its own deprecated
    # build_loss (Defect-Aux-Net's and the segmentors' heads)
    (UserWarning, r'``build_loss`` would be deprecated soon',
     r'mmseg\.models\.builder'),
    # mmdet's DetVisualizationHook (tools/test.py --show-dir) draws boxes
    # clipped to the image, x2 == width, which mmengine takes as outside
    # (defectzoo's own drawing clips them: clip_boxes_for_drawing)
    (UserWarning, r'Warning: The (bbox|polygon) is out of bounds',
     r'mmengine\.visualization\.visualizer'),
)


class ConsoleFilter(logging.Filter):
    """Drop the log records whose message matches one of
    :data:`QUIET_LOG_MESSAGES` (on a console handler: the log file keeps
    them)."""
    PATTERN = re.compile('|'.join(f'(?:{p})' for p in QUIET_LOG_MESSAGES))

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str)
                    and self.PATTERN.match(record.msg))


_console = dict(verbose=True)


def hide_on_console(logger: logging.Logger) -> None:
    """Add a :class:`ConsoleFilter` to ``logger``'s console handlers (not
    to its file handlers) unless it has one."""
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler) or any(
                isinstance(f, ConsoleFilter) for f in handler.filters):
            continue
        handler.addFilter(ConsoleFilter())


def quiet_console(verbose: bool = False) -> None:
    """A clean console for a tool's runs (``tools/train.py`` /
    ``tools/test.py`` without ``--verbose``).

    The logger of every Runner built afterwards in this process gets a
    :class:`ConsoleFilter` on its console handler (mmengine's
    ``Runner.build_logger`` is wrapped): mmengine's table "Hooks will be
    executed in the following order" (mmengine has no switch for it), its
    per-parameter ``paramwise_cfg`` lines and its ``FileClient``
    deprecation notices (:data:`QUIET_LOG_MESSAGES`) are not printed; the
    log file in the work directory keeps them. The Python warnings of
    :data:`QUIET_WARNINGS` (third-party code) are ignored. With
    ``verbose=True`` the Runners built afterwards print everything, as
    mmengine does.
    """
    from mmengine.runner import Runner
    _console['verbose'] = verbose
    if not getattr(Runner.build_logger, '_defectzoo_quiet', False):
        build_logger = Runner.build_logger

        def build_quiet_logger(self, *args, **kwargs):
            logger = build_logger(self, *args, **kwargs)
            if not _console['verbose']:
                hide_on_console(logger)
            return logger

        build_quiet_logger._defectzoo_quiet = True
        build_quiet_logger.__doc__ = build_logger.__doc__
        Runner.build_logger = build_quiet_logger
    if not verbose:
        for category, message, module in QUIET_WARNINGS:
            warnings.filterwarnings(
                'ignore', message=message, category=category, module=module)


LOCK_NAME = '.train.lock'


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_work_dir(work_dir: str) -> str:
    """One training per work dir: create ``WORK_DIR/.train.lock`` holding
    this PID, or refuse (``SystemExit``) naming the PID of a running
    training that holds it. A lock whose PID is dead (a killed run) is
    taken over with a message. Released when this process exits."""
    import atexit
    import socket
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    me = f'{os.getpid()} {socket.gethostname()}\n'
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                with open(path) as f:
                    pid_text, _, host = f.read().strip().partition(' ')
                pid = int(pid_text)
            except (OSError, ValueError):
                pid, host = None, ''
            if pid is not None and (host != socket.gethostname()
                                    or _alive(pid)):
                raise SystemExit(
                    f'{work_dir} is in use by another training (PID {pid}'
                    f'{" on " + host if host else ""}, lock file {path}): '
                    'two runs in one work dir overwrite each other\'s '
                    'checkpoints. Use another --work-dir, or wait for it.')
            print(
                f'{path}: taking over the lock of a training that is no '
                f'longer running (PID {pid})',
                flush=True)
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(fd, 'w') as f:
            f.write(me)

        def release():
            try:
                with open(path) as f:
                    if f.read() == me:
                        os.remove(path)
            except OSError:
                pass

        atexit.register(release)
        return path
    raise SystemExit(f'{path}: could not take the work-dir lock')


def end_workers_on_signal() -> None:
    """On SIGTERM / SIGINT, end this process's data-loader workers (and
    other multiprocessing children) before stopping with exit code 128 +
    signal: a stopped training leaves no orphan workers. The stop unwinds
    normally (``SystemExit``), so exit handlers (the work-dir lock) run."""
    import multiprocessing
    import signal

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


def one_line(text: str) -> str:
    """``text`` on one line: its non-empty lines joined with ``'; '``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return '; '.join([line.rstrip('.;') for line in lines[:-1]] + lines[-1:])


def reporting_errors(main):
    """Decorate a tool's ``main()``: a clear error (an unsafe, unreadable or
    unfitting checkpoint, bad data, non-finite values: see
    :func:`is_clear_error`) ends with one line on stderr, ``<tool>: <Type>:
    <message naming the file>``, and exit code 1 instead of a traceback
    (``DEFECTZOO_DEBUG=1``: the traceback). Other errors keep theirs."""
    import functools

    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV) or not is_clear_error(exc):
                raise
            print(
                f'{osp.basename(sys.argv[0])}: {one_line(error_message(exc))}',
                file=sys.stderr,
                flush=True)
            raise SystemExit(1) from None

    return run
