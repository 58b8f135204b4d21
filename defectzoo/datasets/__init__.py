"""defectzoo.datasets: defect-inspection data sets and their transforms."""
from .coco import CocoDetDataset
from .gdxray import GDXrayCastingsDataset
from .image_folder import ImageFolderClsDataset
from .image_mask import ImageMaskFolderDataset
from .magnetic_tile import (MagneticTileClsDataset, MagneticTileDetDataset,
                            MagneticTileSegDataset)
from .magnetic_tile_views import (MagneticTileBinaryClsDataset,
                                  MagneticTileDefectPairDataset)
from .mixedwm38 import MixedWM38Dataset
from .neu import NEUClsDataset, NEUDetDataset
from .severstal import SeverstalClsDataset, SeverstalSegDataset
from .subset import KPerClassSubset
from .superimposed_xray import SuperimposedXRayDataset
from .synthetic_surface import SyntheticSurfaceDefectDataset
from .validated_dataset import ValidatedDatasetMixin
from .voc import VOCDetDataset
from .xray import (SyntheticXRayDetDataset, XRayDefectClsDataset,
                   XRayImageFolder)

__all__ = [
    'CocoDetDataset', 'GDXrayCastingsDataset', 'ImageFolderClsDataset',
    'ImageMaskFolderDataset', 'KPerClassSubset',
    'MagneticTileBinaryClsDataset', 'MagneticTileClsDataset',
    'MagneticTileDefectPairDataset', 'MagneticTileDetDataset',
    'MagneticTileSegDataset', 'MixedWM38Dataset', 'NEUClsDataset',
    'NEUDetDataset', 'SeverstalClsDataset', 'SeverstalSegDataset',
    'SuperimposedXRayDataset', 'SyntheticSurfaceDefectDataset',
    'SyntheticXRayDetDataset', 'VOCDetDataset', 'ValidatedDatasetMixin',
    'XRayDefectClsDataset', 'XRayImageFolder'
]
