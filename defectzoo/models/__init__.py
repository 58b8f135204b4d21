"""defectzoo.models: backbones, necks, heads, losses and algorithms."""
from .selfsup import *  # noqa: F401,F403
