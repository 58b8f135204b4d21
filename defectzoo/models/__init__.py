"""defectzoo.models: backbones, necks, heads, losses and algorithms."""
from .backbones import *  # noqa: F401,F403
from .classifiers import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .selfsup import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
