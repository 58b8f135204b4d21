"""defectzoo.visualization: drawing samples, image grids and CAM overlays."""
from .cam import (ClassifierCAM, DetectorCAM, cam_energy_in_mask, cam_methods,
                  default_target_layer, resolve_layer, to_rgb_float)
from .dataset_browser import draw_sample, write_sample_grids

__all__ = [
    'ClassifierCAM', 'DetectorCAM', 'cam_energy_in_mask', 'cam_methods',
    'default_target_layer', 'draw_sample', 'resolve_layer', 'to_rgb_float',
    'write_sample_grids'
]
