"""Tiling images into one grid image (:func:`torchvision.utils.make_grid`).

The one grid helper behind ``browse_dataset.py``, the prediction grid of
``DetPredGridHook`` and the sample grids of the synthetic data tools.
"""
from typing import Sequence

import numpy as np


def tile_images(images: Sequence[np.ndarray],
                ncols: int,
                gap: int = 0,
                pad_value: int = 0) -> np.ndarray:
    """Tile ``images`` row by row, ``ncols`` per row.

    Images of different sizes are padded (bottom / right) to the largest;
    every cell is followed by ``gap`` pixels to its right and below it.

    Args:
        images: ``HxW`` or ``HxWxC`` uint8 arrays, all with the same number
            of channels.
        ncols: cells per row (fewer when there are fewer images).
        gap: pixels after each cell.
        pad_value: value of the padding and the gaps.

    Returns:
        the grid, ``HxW`` for 2-D inputs, else ``HxWxC``.
    """
    import torch
    from torchvision.utils import make_grid
    if not len(images):
        raise ValueError('no images to tile')
    gray = images[0].ndim == 2
    cells = [img[..., None] if img.ndim == 2 else img for img in images]
    h = max(c.shape[0] for c in cells)
    w = max(c.shape[1] for c in cells)
    batch = np.full((len(cells), h, w, cells[0].shape[2]),
                    pad_value,
                    dtype=cells[0].dtype)
    for i, cell in enumerate(cells):
        batch[i, :cell.shape[0], :cell.shape[1]] = cell
    grid = make_grid(
        torch.from_numpy(batch).permute(0, 3, 1, 2),
        nrow=ncols,
        padding=gap,
        pad_value=pad_value)
    # make_grid pads before the first cell too; keep the gaps after cells
    grid = grid[:, gap:, gap:].permute(1, 2, 0).numpy()
    return np.ascontiguousarray(grid[..., 0] if gray else grid)
