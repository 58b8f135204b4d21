"""Model utilities: SSL checkpoint conversion for detectors and building a
model in its own registry scope."""
from .build import build_in_own_scope
from .selfsup_to_det import (convert_selfsup_to_det, register_selfsup_scheme,
                             relative_position_index, resize_bias_table)

__all__ = [
    'build_in_own_scope', 'convert_selfsup_to_det', 'register_selfsup_scheme',
    'relative_position_index', 'resize_bias_table'
]
