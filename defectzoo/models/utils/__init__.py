"""Model utilities: SSL checkpoint conversion for detectors."""
from .selfsup_to_det import (convert_selfsup_to_det, register_selfsup_scheme,
                             relative_position_index, resize_bias_table)

__all__ = ['convert_selfsup_to_det', 'register_selfsup_scheme',
           'relative_position_index', 'resize_bias_table']
from .build import build_in_own_scope  # noqa: E402

__all__ += ['build_in_own_scope']
