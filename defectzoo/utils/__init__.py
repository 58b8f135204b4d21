"""Utilities: environment set-up and safe checkpoint loading."""
from .checkpoint import enable_safe_checkpoint_loading
from .setup_env import register_all_modules

__all__ = ['enable_safe_checkpoint_loading', 'register_all_modules']
