"""defectzoo.engine.hooks."""
from .channel_pruning_hook import ChannelPruningHook
from .random_state_hook import RandomStateHook

__all__ = ['ChannelPruningHook', 'RandomStateHook']
# Issue 4: PNG grid of test predictions vs ground truth.
from .det_pred_grid_hook import DetPredGridHook  # noqa: E402

__all__ += ['DetPredGridHook']
# Issue 5: reference gallery of SCLArcMarginClassifier.
from .reference_gallery_hook import ReferenceGalleryHook  # noqa: E402

__all__ += ['ReferenceGalleryHook']
