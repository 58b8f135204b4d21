"""Synthetic data (no download): the generators (:mod:`.surface_defects`,
:mod:`.xray_castings`) and the writers that put their samples on disk
(:mod:`.writers`). The data sets built on them are
``defectzoo.datasets.SyntheticSurfaceDefectDataset`` and
``SyntheticXRayDetDataset``."""
from .surface_defects import DEFECT_CLASSES, generate_surface_sample
from .writers import (generate_synthetic_xray, save_sample_grid,
                      write_neu_layout)
from .xray_castings import generate_xray_sample

__all__ = [
    'DEFECT_CLASSES', 'generate_surface_sample', 'generate_synthetic_xray',
    'generate_xray_sample', 'save_sample_grid', 'write_neu_layout'
]
