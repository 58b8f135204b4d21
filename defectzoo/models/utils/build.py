"""Building another library's module inside a defectzoo model."""
from mmengine.registry import DefaultScope

from defectzoo.registry import MODELS


def build_in_own_scope(cfg: dict):
    """Build ``cfg`` with the default scope set to its type's library.

    ``dict(type='mmpretrain.ArcFaceClsHead')`` is found from defectzoo's
    registry by its prefix, but the modules *it* builds from unprefixed
    defaults (``ClsHead``'s ``dict(type='CrossEntropyLoss')``) are looked up
    in the default scope, which is ``defectzoo`` in our configs. Building
    under the ``mmpretrain`` scope finds them; prefixed names still work.
    """
    type_name = cfg.get('type') if isinstance(cfg, dict) else None
    if isinstance(type_name, str) and '.' in type_name:
        scope = type_name.split('.')[0]
        with DefaultScope.overwrite_default_scope(scope):
            return MODELS.build(cfg)
    return MODELS.build(cfg)
