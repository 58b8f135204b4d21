"""defectzoo.datasets.transforms."""
from .checked_loading import LoadDefectMask, LoadImageChecked
from .defect_pair import DefectGuideVector, PackDefectPairInputs
from .inference_loading import LoadInferenceImage
from .loading import LoadXRayImage
from .multi_task import MaskToInstances, PackMultiTaskInputs, mask_to_instances
from .rot90 import RandomRot90
from .superimpose import SuperimposeEllipsoidDefects

__all__ = [
    'DefectGuideVector', 'LoadDefectMask', 'LoadImageChecked',
    'LoadInferenceImage', 'LoadXRayImage', 'MaskToInstances',
    'PackDefectPairInputs', 'PackMultiTaskInputs', 'RandomRot90',
    'SuperimposeEllipsoidDefects', 'mask_to_instances'
]
