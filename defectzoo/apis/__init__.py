"""defectzoo.apis."""
from .model import init_model, load_config

__all__ = ['init_model', 'load_config']
