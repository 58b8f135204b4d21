"""defectzoo.visualization."""
from .cam import (ClassifierCAM, DetectorCAM, cam_energy_in_mask, cam_methods,
                  default_target_layer, resolve_layer, to_rgb_float)

__all__ = ['ClassifierCAM', 'DetectorCAM', 'cam_energy_in_mask',
           'cam_methods', 'default_target_layer', 'resolve_layer',
           'to_rgb_float']
