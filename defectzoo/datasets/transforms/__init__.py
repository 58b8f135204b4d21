"""defectzoo.datasets.transforms."""
from .checked_loading import LoadDefectMask, LoadImageChecked  # noqa: F401
from .loading import LoadXRayImage  # noqa: F401
from .multi_task import (MaskToInstances, PackMultiTaskInputs,  # noqa: F401
                         mask_to_instances)
from .rot90 import RandomRot90  # noqa: F401
