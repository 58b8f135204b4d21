"""The model zoo moved to :mod:`defectzoo.utils.zoo` (the bottom layer, so
that the ``zoo://`` loader of :mod:`defectzoo.utils.checkpoint` needs
nothing above it); its ``zoo://`` loader is
:func:`defectzoo.utils.checkpoint.load_from_zoo`.

The names below are re-exported for old callers. New code imports
:mod:`defectzoo.utils.zoo`, whose module globals (``DEFAULT_BASE_URL``, the
environment variable names) are the ones the functions read.
"""
from defectzoo.utils.checkpoint import load_from_zoo
# yapf: disable
from defectzoo.utils.zoo import (CACHE_ENV, DEADLINE_ENV, DEFAULT_BASE_URL,
                                 DEFAULT_DEADLINE, DEFAULT_MIN_RATE,
                                 MIN_RATE_ENV, RATE_WINDOW, SCHEME, SHA256_KEY,
                                 STALE_PART_S, ZOO_INDEX_ENV, ZOO_MIRROR_ENV,
                                 ZOO_URL_ENV, ZooError, ZooModel, base_url,
                                 cache_dir, fetch, get_model_info, list_models,
                                 main, nearest_names, read_verified,
                                 resolve_checkpoint, sha256sum, verify,
                                 verify_file, where, zoo_root)

# yapf: enable

__all__ = [
    'CACHE_ENV', 'DEADLINE_ENV', 'DEFAULT_BASE_URL', 'DEFAULT_DEADLINE',
    'DEFAULT_MIN_RATE', 'MIN_RATE_ENV', 'RATE_WINDOW', 'SCHEME', 'SHA256_KEY',
    'STALE_PART_S', 'ZOO_INDEX_ENV', 'ZOO_MIRROR_ENV', 'ZOO_URL_ENV',
    'ZooError', 'ZooModel', 'base_url', 'cache_dir', 'fetch', 'get_model_info',
    'list_models', 'load_from_zoo', 'main', 'nearest_names', 'read_verified',
    'resolve_checkpoint', 'sha256sum', 'verify', 'verify_file', 'where',
    'zoo_root'
]
