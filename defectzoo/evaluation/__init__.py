"""defectzoo.evaluation: metrics and evaluators."""
from .metrics import *  # noqa: F401,F403
