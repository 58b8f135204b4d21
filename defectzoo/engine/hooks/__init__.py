"""defectzoo.engine.hooks."""
from .random_state_hook import RandomStateHook

__all__ = ['RandomStateHook']
# Issue 4: PNG grid of test predictions vs ground truth.
from .det_pred_grid_hook import DetPredGridHook  # noqa: E402

__all__ += ['DetPredGridHook']
# Issue 5: reference gallery of SCLArcMarginClassifier.
from .reference_gallery_hook import ReferenceGalleryHook  # noqa: E402

__all__ += ['ReferenceGalleryHook']
# Magna-Defect-GAN: mask | real | generated grids during training.
from .gan_sample_grid_hook import GANSampleGridHook  # noqa: E402

__all__ += ['GANSampleGridHook']
