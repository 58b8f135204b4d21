"""defectzoo.engine."""
from .hooks import RandomStateHook  # noqa: F401
