"""Utilities: environment set-up, safe checkpoint loading, data checks,
splits and RLE (:mod:`.data`), the dataset-check back-end
(:mod:`.dataset_check`) and the child-process helper (:mod:`.process`)."""
from .checkpoint import (CheckpointError, check_checkpoint_fits,
                         enable_safe_checkpoint_loading)
from .setup_env import register_all_modules

__all__ = [
    'CheckpointError', 'check_checkpoint_fits',
    'enable_safe_checkpoint_loading', 'register_all_modules'
]
