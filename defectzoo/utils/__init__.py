"""Utilities, the bottom layer of the package (they import nothing else of
defectzoo): safe checkpoint loading (:mod:`.checkpoint`), the model zoo's
files (:mod:`.zoo`), data checks, splits and RLE (:mod:`.data`), image
grids (:mod:`.image_grid`), boxes ready to draw (:mod:`.det_boxes`), a
config's data root (:mod:`.data_root`) and the child-process helper
(:mod:`.process`). The command line is :mod:`defectzoo.cli`."""
from .checkpoint import (CheckpointError, check_checkpoint_fits,
                         enable_safe_checkpoint_loading)

__all__ = [
    'CheckpointError', 'check_checkpoint_fits',
    'enable_safe_checkpoint_loading'
]
