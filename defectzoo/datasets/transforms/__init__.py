"""defectzoo.datasets.transforms."""
from .checked_loading import LoadDefectMask, LoadImageChecked  # noqa: F401
from .loading import LoadXRayImage  # noqa: F401
from .rot90 import RandomRot90  # noqa: F401
from .defect_pair import (DefectGuideVector,  # noqa: F401
                          PackDefectPairInputs)
