"""defectzoo.datasets."""
from .gdxray import GDXrayCastingsDataset  # noqa: F401
from .mixedwm38 import MixedWM38Dataset  # noqa: F401
from .severstal import SeverstalClsDataset, SeverstalSegDataset  # noqa: F401
from .synthetic.surface_defects import \
    SyntheticSurfaceDefectDataset  # noqa: F401
# Issue 3 A: NEU, magnetic tile, generic formats, k-per-class subsets.
from .coco import CocoDetDataset  # noqa: F401
from .image_folder import ImageFolderClsDataset  # noqa: F401
from .image_mask import ImageMaskFolderDataset  # noqa: F401
from .magnetic_tile import (MagneticTileClsDataset,  # noqa: F401
                            MagneticTileDetDataset, MagneticTileSegDataset)
from .magnetic_tile_views import (  # noqa: F401
    MagneticTileBinaryClsDataset, MagneticTileDefectPairDataset)
from .neu import NEUClsDataset, NEUDetDataset  # noqa: F401
from .subset import KPerClassSubset  # noqa: F401
from .voc import VOCDetDataset  # noqa: F401
# Issue 2 items 6-7: X-ray image folder, synthetic X-ray castings.
from .xray import (SyntheticXRayDetDataset, XRayDefectClsDataset,  # noqa: F401
                   XRayImageFolder)
