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

Trusted files: to load a checkpoint that holds other objects (e.g. pickled
classes from old code) and that you trust, opt in for that file only::

    export DEFECTZOO_TRUSTED_CHECKPOINTS=/path/a.pth,https://host/b.pth

or call ``trust_checkpoint('/path/a.pth')``. Those files are loaded with
``weights_only=False`` (full pickle, which can run code). Default: none.
"""
import logging
import os
import os.path as osp
import pickle
import re
from typing import Callable, Optional

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import checkpoint as mmengine_checkpoint

TRUSTED_ENV = 'DEFECTZOO_TRUSTED_CHECKPOINTS'
_trusted = set()
_HISTORY_BUFFER_METHODS = ('min', 'max', 'current', 'mean')


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects that are not allow-listed."""


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
    items = [np.ndarray, np.dtype, HistoryBuffer,
             (_history_buffer_getattr, 'builtins.getattr')]
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
    return source if '://' in source else osp.realpath(
        osp.expanduser(source))


def _is_trusted(source: str) -> bool:
    env = os.environ.get(TRUSTED_ENV, '').split(',')
    return _key(source) in _trusted | {_key(s.strip()) for s in env
                                       if s.strip()}


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
    return sorted(set(re.findall(r'GLOBAL (\S+) (?:was not|whose)',
                                 str(err))))


def _safe_load(source: str, load: Callable[[bool], object],
               path: Optional[str] = None):
    """Run ``load(weights_only)``; explain a refusal naming ``source``."""
    if _is_trusted(source):
        print_log(f'Loading {source} with weights_only=False: it is trusted '
                  f'({TRUSTED_ENV} / trust_checkpoint).', logger='current',
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
        reason = ([line for line in str(err).splitlines() if line.strip()
                   and not line.startswith('Check the documentation')]
                  or [repr(err)])[-1]
        what = (f'non-allow-listed object(s): {", ".join(names)}' if names
                else f'an object that cannot be unpickled safely ({reason})')
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


def load_from_local(filename, map_location):
    """mmengine's local loader, loading through :func:`_safe_load`."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return _safe_load(
        filename, lambda wo: torch.load(
            filename, map_location=map_location, weights_only=wo), filename)


def load_from_http(filename, map_location=None, model_dir=None,
                   progress=os.isatty(0)):
    """mmengine's http(s) loader (rank 0 downloads first) through
    :func:`_safe_load`. mmengine's own calls ``torch.hub``'s
    ``load_state_dict_from_url``, whose ``weights_only`` defaults to
    False, i.e. it would unpickle anything a URL serves."""

    def load():
        return _safe_load(filename, lambda wo: torch.hub.
                          load_state_dict_from_url(
                              filename, model_dir=model_dir,
                              map_location=map_location, progress=progress,
                              weights_only=wo))

    rank, world_size = get_dist_info()
    if rank == 0:
        checkpoint = load()
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = load()
    return checkpoint


def _load_selfsup(filename, map_location=None):
    """``selfsup://PATH`` (imported on use, keeping ``import defectzoo``
    light)."""
    from defectzoo.models.utils.selfsup_to_det import load_selfsup_for_det
    return load_selfsup_for_det(filename, map_location)


def _load_zoo(filename, map_location=None):
    """``zoo://NAME``: a verified model-zoo file (:mod:`defectzoo.apis.zoo`,
    imported on use)."""
    from defectzoo.apis.zoo import load_from_zoo
    return load_from_zoo(filename, map_location)


def enable_safe_checkpoint_loading() -> None:
    """Allow-list the types mmengine stores in checkpoints and route
    mmengine's local/http(s) loading through the safe loaders. Idempotent."""
    if not hasattr(torch.serialization, 'add_safe_globals'):  # torch < 2.4
        return
    torch.serialization.add_safe_globals(_allow_list())
    loader = mmengine_checkpoint.CheckpointLoader
    loader.register_scheme('', load_from_local, force=True)
    loader.register_scheme(('http://', 'https://'), load_from_http,
                           force=True)
    # selfsup://PATH: an mmpretrain SSL checkpoint converted on the fly to
    # mmdet backbone keys (defectzoo.models.utils.selfsup_to_det).
    loader.register_scheme('selfsup://', _load_selfsup, force=True)
    # zoo://NAME: a released model, cached and sha256-checked.
    loader.register_scheme('zoo://', _load_zoo, force=True)
    # torchvision://, open-mmlab:// and mmcls:// call this module global.
    mmengine_checkpoint.load_from_http = load_from_http


class CheckpointMismatchError(ValueError):
    """A checkpoint's state dict does not fit the model built from a
    config."""


def check_checkpoint_fits(model: torch.nn.Module, state_dict: dict,
                          filename: str, max_listed: int = 10) -> None:
    """Raise :class:`CheckpointMismatchError` naming the missing,
    unexpected and wrongly shaped keys if ``state_dict`` does not fit
    ``model`` -- instead of mmengine's non-strict load, which leaves the
    unmatched weights random with only a log warning."""
    own = model.state_dict()
    state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                  for k, v in state_dict.items()}
    missing = sorted(set(own) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(own))
    shapes = sorted(
        f'{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}'
        for k, v in state_dict.items()
        if k in own and hasattr(v, 'shape') and v.shape != own[k].shape
        and own[k].numel() > 0)  # empty buffers are filled on loading
    if not (missing or unexpected or shapes):
        return

    def listed(what, keys):
        more = len(keys) - max_listed
        return (f'{len(keys)} {what}: {", ".join(keys[:max_listed])}' +
                (f', ... ({more} more)' if more > 0 else ''))

    parts = [listed(w, k) for w, k in (('missing in the checkpoint', missing),
                                       ('not in the model', unexpected),
                                       ('of another shape', shapes)) if k]
    raise CheckpointMismatchError(
        f'checkpoint {filename} does not fit the model '
        f'{type(model).__name__} built from the config: ' + '; '.join(parts) +
        '. Is it the checkpoint of another config?')
