"""defectzoo.engine."""
from .hooks import RandomStateHook  # noqa: F401
from .hooks import DetPredGridHook  # noqa: F401,E402
from .hooks import ReferenceGalleryHook  # noqa: F401,E402
from .hooks import GANSampleGridHook  # noqa: F401,E402
from .optimizers import MultiOptimWrapperConstructor  # noqa: F401,E402
