"""defectzoo.engine: hooks and optimizer-wrapper constructors."""
from .hooks import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
