"""defectzoo.models: one folder per algorithm with all its parts
(``mvgg19``, ``defect_aux_net``, ``scl_arcmargin``, ``distill``,
``gans``), ``common`` for registered parts that are no one algorithm's,
``ood`` (out-of-distribution scoring) and ``utils`` (building, pruning,
normalisation; nothing registered)."""
from .common import *  # noqa: F401,F403
from .defect_aux_net import *  # noqa: F401,F403
from .distill import *  # noqa: F401,F403
from .gans import *  # noqa: F401,F403
from .mvgg19 import *  # noqa: F401,F403
from .scl_arcmargin import *  # noqa: F401,F403
