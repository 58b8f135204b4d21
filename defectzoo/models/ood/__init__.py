"""Out-of-distribution scoring in feature space: pooled backbone features
of the test step (:mod:`.features`) scored against the training images'
(:class:`NearestNeighbourOOD`, fitted by ``tools/misc/fit_ood.py`` and
stored in the checkpoint's ``meta['ood']``). Nothing here is registered;
the inferencers (``defectzoo.apis``) flag images with it."""
from .features import FeatureCapture, feature_module, pooled
from .nearest_neighbour import (META_KEY, NearestNeighbourOOD, channel_scale,
                                split_fit_calib)

__all__ = [
    'FeatureCapture', 'META_KEY', 'NearestNeighbourOOD', 'channel_scale',
    'feature_module', 'pooled', 'split_fit_calib'
]
