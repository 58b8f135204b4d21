"""defectzoo.datasets: defect-inspection data sets and their transforms."""
from .coco import CocoDetDataset
from .gdxray import GDXrayCastingsDataset
from .image_folder import ImageFolderClsDataset
from .image_mask import ImageMaskFolderDataset
from .magnetic_tile import (MagneticTileClsDataset, MagneticTileDetDataset,
                            MagneticTileSegDataset)
from .mixedwm38 import MixedWM38Dataset
from .neu import NEUClsDataset, NEUDetDataset
from .severstal import SeverstalClsDataset, SeverstalSegDataset
from .subset import KPerClassSubset
from .synthetic.surface_defects import SyntheticSurfaceDefectDataset
from .validated_dataset import ValidatedDatasetMixin
from .voc import VOCDetDataset
from .xray import (SyntheticXRayDetDataset, XRayDefectClsDataset,
                   XRayImageFolder)

__all__ = [
    'CocoDetDataset', 'GDXrayCastingsDataset', 'ImageFolderClsDataset',
    'ImageMaskFolderDataset', 'KPerClassSubset', 'MagneticTileClsDataset',
    'MagneticTileDetDataset', 'MagneticTileSegDataset', 'MixedWM38Dataset',
    'NEUClsDataset', 'NEUDetDataset', 'SeverstalClsDataset',
    'SeverstalSegDataset', 'SyntheticSurfaceDefectDataset',
    'SyntheticXRayDetDataset', 'ValidatedDatasetMixin', 'VOCDetDataset',
    'XRayDefectClsDataset', 'XRayImageFolder'
]
