"""Safe checkpoint loading under ``torch.load(weights_only=True)``.

Since torch 2.6, ``torch.load`` unpickles with ``weights_only=True``: only
tensors, plain containers and allow-listed globals may appear in a file, so
loading it cannot execute code. mmengine checkpoints also hold numpy arrays,
scalars and dtypes (dataset metainfo, metrics, ETA) and message-hub
``HistoryBuffer`` objects, which torch refuses by default.

:func:`enable_safe_checkpoint_loading` (run on ``import defectzoo``)
allow-lists exactly those types and replaces mmengine's local and http(s)
checkpoint loaders, which every mmengine entry point uses (``load_from``,
``resume``, ``init_cfg=dict(type='Pretrained')``, ``load_checkpoint``,
``torchvision://``, ``open-mmlab://``, ``mmcls://``), so that a file holding
anything else is refused with an explanation instead of torch's raw error.
It also registers ``zoo://NAME`` (:func:`load_from_zoo`) and
``selfsup://PATH`` (:mod:`defectzoo.utils.selfsup_to_det`).

Trusted files: to load a checkpoint that holds other objects (e.g. pickled
classes from old code) and that you trust, opt in for that file only::

    export DEFECTZOO_TRUSTED_CHECKPOINTS=/path/a.pth,https://host/b.pth

or call ``trust_checkpoint('/path/a.pth')``. Those files are loaded with
``weights_only=False`` (full pickle, which can run code). Default: none.
"""
import io
import logging
import os
import os.path as osp
import pickle
import re
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import checkpoint as mmengine_checkpoint

from .selfsup_to_det import register_selfsup_scheme
from .zoo import read_verified

TRUSTED_ENV = 'DEFECTZOO_TRUSTED_CHECKPOINTS'
_trusted = set()
_HISTORY_BUFFER_METHODS = ('min', 'max', 'current', 'mean')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects that are not allow-listed."""


class CheckpointError(ValueError):
    """A checkpoint file is unreadable or does not fit the model. The
    message names the file and the problem."""


def _history_buffer_getattr(obj, name):
    """Stand-in for ``builtins.getattr`` while unpickling.

    ``HistoryBuffer.__getstate__`` stores its statistics methods, which
    pickle (protocol 2) writes as ``getattr(HistoryBuffer, 'mean')``. Allowing
    the real ``getattr`` would let a file reach any attribute of any
    allow-listed object (``__globals__``, ...), so only these lookups pass.
    """
    if obj is HistoryBuffer and name in _HISTORY_BUFFER_METHODS:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allow-listed')


def _allow_list() -> list:
    """The globals mmengine checkpoints contain, besides torch's own."""
    core = np._core if hasattr(np, '_core') else np.core  # numpy 2 / 1
    items = [
        np.ndarray, np.dtype, HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr')
    ]
    # numpy 2 pickles arrays/scalars as numpy._core.multiarray.*, numpy 1
    # as numpy.core.multiarray.*: accept both, so old checkpoints load.
    for fn in (core.multiarray._reconstruct, core.multiarray.scalar):
        items += [(fn, f'numpy.{pkg}.multiarray.{fn.__name__}')
                  for pkg in ('core', '_core')]
    # dtype classes (numpy.dtypes.Float32DType, ...), pickled when a dtype's
    # type itself is stored; numpy >= 1.25.
    dtypes = getattr(np, 'dtypes', None)
    items += [getattr(dtypes, n) for n in getattr(dtypes, '__all__', [])]
    return items


def trust_checkpoint(*sources: str) -> None:
    """Load these local paths / URLs with full pickle (can execute code)."""
    _trusted.update(_key(s) for s in sources)


def _key(source: str) -> str:
    return source if '://' in source else osp.realpath(osp.expanduser(source))


def _is_trusted(source: str) -> bool:
    env = os.environ.get(TRUSTED_ENV, '').split(',')
    return _key(source) in _trusted | {
        _key(s.strip())
        for s in env if s.strip()
    }


def _refused_objects(err: Exception, path: Optional[str]) -> list:
    """Names of the non-allow-listed globals: found statically (without
    running the pickle) for local zip-format files, else from torch's
    message (legacy format, URLs)."""
    if path:
        try:
            return sorted(
                torch.serialization.get_unsafe_globals_in_checkpoint(path))
        except Exception:  # legacy (non-zip) format, torchscript, ...
            pass
    return sorted(set(re.findall(r'GLOBAL (\S+) (?:was not|whose)', str(err))))


def _safe_load(source: str,
               load: Callable[[bool], object],
               path: Optional[str] = None):
    """Run ``load(weights_only)``; explain a refusal naming ``source``."""
    if _is_trusted(source):
        print_log(
            f'Loading {source} with weights_only=False: it is trusted '
            f'({TRUSTED_ENV} / trust_checkpoint).',
            logger='current',
            level=logging.WARNING)
        return load(False)
    # Re-add each time: torch's `safe_globals` context manager removes its
    # entries on exit even when we had added them too.
    torch.serialization.add_safe_globals(_allow_list())
    try:
        return load(True)
    except pickle.UnpicklingError as err:
        names = _refused_objects(err, path)
        # torch's message: boilerplate, the reason, a docs link last.
        reason = ([
            line for line in str(err).splitlines()
            if line.strip() and not line.startswith('Check the documentation')
        ] or [repr(err)])[-1]
        what = (f'non-allow-listed object(s): {", ".join(names)}' if names else
                f'an object that cannot be unpickled safely ({reason})')
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {source}: it contains {what}. '
            'defectzoo loads checkpoints with torch.load(weights_only=True) '
            'and allows only tensors, containers, numpy data and mmengine '
            'HistoryBuffer, because unpickling any other object can execute '
            'arbitrary code, and loading a checkpoint (e.g. one downloaded '
            'from the internet) must never do that. If you trust this file '
            'and its origin, allow it explicitly: set the environment '
            f'variable {TRUSTED_ENV}={source} (comma-separated list) or call '
            f'defectzoo.utils.checkpoint.trust_checkpoint({source!r}); it is '
            'then loaded with weights_only=False.') from None


def _load_checked(source: str,
                  load: Callable[[bool], object],
                  path: Optional[str] = None):
    """:func:`_safe_load`, with a damaged file named as such."""
    try:
        return _safe_load(source, load, path)
    except UnsafeCheckpointError:
        raise
    except (RuntimeError, EOFError, OSError, KeyError, ValueError,
            pickle.UnpicklingError) as exc:
        # torch raises a raw miniz RuntimeError for a truncated zip, an
        # EOFError / OSError / KeyError for other damaged files.
        reason = ' '.join(str(exc).split()) or type(exc).__name__
        raise CheckpointError(
            f'{source}: not a readable checkpoint, the file is truncated '
            f'or corrupt ({type(exc).__name__}: {reason[:200]})') from None


def load_from_local(filename, map_location):
    """mmengine's local loader, loading through :func:`_safe_load`."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if osp.getsize(filename) == 0:
        raise CheckpointError(f'{filename}: empty checkpoint file (0 bytes)')
    return _load_checked(
        filename, lambda wo: torch.load(
            filename, map_location=map_location, weights_only=wo), filename)


def load_from_bytes(data: bytes, source: str, map_location=None):
    """Deserialise a checkpoint already read into memory (e.g. the exact
    bytes whose sha256 was checked), safely; ``source`` names it in
    errors."""
    if not data:
        raise CheckpointError(f'{source}: empty checkpoint file (0 bytes)')
    return _load_checked(
        source, lambda wo: torch.load(
            io.BytesIO(data), map_location=map_location, weights_only=wo))


def load_from_http(filename,
                   map_location=None,
                   model_dir=None,
                   progress=os.isatty(0)):
    """mmengine's http(s) loader (rank 0 downloads first) through
    :func:`_safe_load`. mmengine's own calls ``torch.hub``'s
    ``load_state_dict_from_url``, whose ``weights_only`` defaults to
    False, i.e. it would unpickle anything a URL serves."""

    def load():
        return _safe_load(
            filename, lambda wo: torch.hub.load_state_dict_from_url(
                filename,
                model_dir=model_dir,
                map_location=map_location,
                progress=progress,
                weights_only=wo))

    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = load()
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = load()
    return checkpoint


def load_from_zoo(filename: str, map_location=None):
    """mmengine ``CheckpointLoader`` for ``zoo://NAME``
    (:mod:`defectzoo.utils.zoo`): deserialised (safe, ``weights_only``)
    from the very bytes whose sha256 was checked, so a file swapped after
    the check is never loaded."""
    return load_from_bytes(read_verified(filename), filename, map_location)


def enable_safe_checkpoint_loading() -> None:
    """Allow-list the types mmengine stores in checkpoints and route
    mmengine's local/http(s) loading through the safe loaders. Idempotent."""
    if not hasattr(torch.serialization, 'add_safe_globals'):  # torch < 2.4
        return
    torch.serialization.add_safe_globals(_allow_list())
    loader = mmengine_checkpoint.CheckpointLoader
    loader.register_scheme('', load_from_local, force=True)
    loader.register_scheme(('http://', 'https://'), load_from_http, force=True)
    # selfsup://PATH: an mmpretrain SSL checkpoint converted on the fly to
    # mmdet backbone keys (defectzoo.utils.selfsup_to_det).
    register_selfsup_scheme()
    # zoo://NAME: a released model, cached and sha256-checked.
    loader.register_scheme('zoo://', load_from_zoo, force=True)
    # torchvision://, open-mmlab:// and mmcls:// call this module global.
    mmengine_checkpoint.load_from_http = load_from_http


def _shape(value) -> Optional[tuple]:
    return tuple(value.shape) if torch.is_tensor(value) else None


def check_checkpoint_fits(model: torch.nn.Module,
                          state_dict: dict,
                          filename: str = 'checkpoint',
                          allow_unexpected: bool = True,
                          revise_keys: Sequence = ((r'^module\.', ''), ),
                          max_listed: int = 10) -> List[str]:
    """Check that ``state_dict`` (a checkpoint's weights) fits ``model``.

    Compares keys and shapes without loading anything. A model tensor with
    no elements is a placeholder sized by the checkpoint (e.g. the reference
    gallery of :class:`~defectzoo.models.SCLArcMarginClassifier`) and fits
    any shape.

    Args:
        model: the model (a DDP/MMDistributedDataParallel wrapper is
            unwrapped).
        state_dict: the weights (``checkpoint['state_dict']``).
        filename: named in the error.
        allow_unexpected: checkpoint keys the model does not have are
            returned rather than refused (unless no key matches at all).
        revise_keys: ``(pattern, replacement)`` applied to the checkpoint's
            keys first, as mmengine does when loading.
        max_listed: keys listed per kind of problem in the message.

    Returns:
        the unexpected keys (when allowed).

    Raises:
        CheckpointError: listing the missing, unexpected and mismatched keys
            when the checkpoint does not fit (no key in common, a model key
            missing, a shape differing).
    """
    model = getattr(model, 'module', model)
    if not isinstance(state_dict, dict):
        raise CheckpointError(f'{filename}: holds no state_dict (a '
                              f'{type(state_dict).__name__})')
    for pattern, repl in revise_keys:
        state_dict = {
            re.sub(pattern, repl, k): v
            for k, v in state_dict.items()
        }
    expected = model.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched = [
        f'{k}: checkpoint {list(_shape(state_dict[k]) or ())} vs model '
        f'{list(expected[k].shape)}' for k in expected
        if k in state_dict and expected[k].numel() > 0
        and _shape(state_dict[k]) != tuple(expected[k].shape)
    ]
    matched = len(expected) - len(missing)
    if not missing and not mismatched and (
            allow_unexpected or not unexpected) and (matched or not expected):
        return unexpected

    def listed(what, keys):
        if not keys:
            return []
        more = (f' ... and {len(keys) - max_listed} more'
                if len(keys) > max_listed else '')
        return [
            f'  {len(keys)} {what}: ' + ', '.join(keys[:max_listed]) + more
        ]

    head = (f"none of the model's {len(expected)} weights is in the "
            f'checkpoint: it is a checkpoint of another model' if matched == 0
            else f"{len(missing) + len(mismatched)} of the model's "
            f'{len(expected)} weights do not fit')
    lines = ([
        f'{filename}: the checkpoint does not fit the model '
        f'({type(model).__name__}): {head}.'
    ] + listed('missing from the checkpoint', missing) +
             listed('in the checkpoint but not in the model', unexpected) +
             listed('with a different shape', mismatched))
    raise CheckpointError('\n'.join(lines))
