"""Model utilities: building models (in another library's scope, or from a
config and checkpoint), the data preprocessor's normalisation as a module,
channel pruning."""
from .build import build_in_own_scope, init_model, load_config
from .normalize import PreprocessNormalize
from .pruning import count_params, fit_to_state_dict, prune_channels

__all__ = [
    'PreprocessNormalize', 'build_in_own_scope', 'count_params',
    'fit_to_state_dict', 'init_model', 'load_config', 'prune_channels'
]
