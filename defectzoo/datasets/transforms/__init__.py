"""defectzoo.datasets.transforms."""
from .checked_loading import LoadDefectMask, LoadImageChecked
from .inference_loading import LoadInferenceImage
from .loading import LoadXRayImage
from .multi_task import MaskToInstances, PackMultiTaskInputs, mask_to_instances
from .rot90 import RandomRot90

__all__ = [
    'LoadDefectMask', 'LoadImageChecked', 'LoadInferenceImage',
    'LoadXRayImage', 'MaskToInstances', 'PackMultiTaskInputs', 'RandomRot90',
    'mask_to_instances'
]
