"""defectzoo.datasets.transforms."""
from .checked_loading import LoadDefectMask, LoadImageChecked
from .loading import LoadXRayImage
from .rot90 import RandomRot90

__all__ = [
    'LoadDefectMask', 'LoadImageChecked', 'LoadXRayImage', 'RandomRot90'
]
