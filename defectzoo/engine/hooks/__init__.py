"""defectzoo.engine.hooks."""
from .det_pred_grid_hook import DetPredGridHook
from .random_state_hook import RandomStateHook
from .reference_gallery_hook import ReferenceGalleryHook

__all__ = ['DetPredGridHook', 'RandomStateHook', 'ReferenceGalleryHook']
