"""defectzoo.models: backbones, necks, heads, losses and algorithms."""
from .selfsup import *  # noqa: F401,F403
# Issue 6: MVGG19 (backbone, multipath neck, Linear-ReLU-BN head).
from .backbones import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
# Issue 5: SCL + ArcMargin.
from .classifiers import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .discriminators import *  # noqa: F401,F403
from .gans import *  # noqa: F401,F403
from .generators import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
