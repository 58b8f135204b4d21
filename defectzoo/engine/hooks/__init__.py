"""defectzoo.engine.hooks."""
from .channel_pruning_hook import ChannelPruningHook
from .check_finite_hook import CheckFiniteHook, NonFiniteError
from .checkpoint_fit_hook import CheckpointFitHook
from .det_pred_grid_hook import DetPredGridHook
from .gan_sample_grid_hook import GANSampleGridHook
from .progress_hook import ProgressHook
from .random_state_hook import RandomStateHook
from .reference_gallery_hook import ReferenceGalleryHook

__all__ = [
    'ChannelPruningHook', 'CheckFiniteHook', 'CheckpointFitHook',
    'DetPredGridHook', 'GANSampleGridHook', 'NonFiniteError', 'ProgressHook',
    'RandomStateHook', 'ReferenceGalleryHook'
]
