"""Model utilities: building in another library's scope, SSL checkpoint
conversion for detectors, channel pruning."""
from .build import build_in_own_scope
from .pruning import count_params, fit_to_state_dict, prune_channels
from .selfsup_to_det import (convert_selfsup_to_det, register_selfsup_scheme,
                             relative_position_index, resize_bias_table)

__all__ = [
    'build_in_own_scope', 'convert_selfsup_to_det', 'count_params',
    'fit_to_state_dict', 'prune_channels', 'register_selfsup_scheme',
    'relative_position_index', 'resize_bias_table'
]
