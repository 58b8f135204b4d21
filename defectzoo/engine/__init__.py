"""defectzoo.engine."""
from .hooks import ChannelPruningHook, RandomStateHook  # noqa: F401
from .hooks import DetPredGridHook  # noqa: F401,E402
from .hooks import ReferenceGalleryHook  # noqa: F401,E402
