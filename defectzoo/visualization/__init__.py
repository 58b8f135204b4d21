"""defectzoo.visualization: drawing samples and image grids."""
from .dataset_browser import draw_sample, write_sample_grids

__all__ = ['draw_sample', 'write_sample_grids']
