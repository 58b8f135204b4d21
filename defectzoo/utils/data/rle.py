"""Run-length encoding of binary masks, Kaggle style (Severstal, ...).

An RLE string is ``"start length start length ..."``: 1-based pixel
numbers counted **top to bottom, then left to right** (column-major, i.e.
the image is read column by column), each run ``length`` pixels long.

For a 3 x 4 mask (H=3, W=4), pixels are numbered::

    1 4 7 10
    2 5 8 11
    3 6 9 12

so ``"2 3 10 2"`` sets pixels 2, 3, 4 (rows 1-2 of column 0 and row 0 of
column 1) and 10, 11 (rows 0-1 of column 3).
"""
from typing import Tuple

import numpy as np


class RLEError(ValueError):
    """An RLE string that does not describe a mask of the given size."""


def rle_decode(rle: str, shape: Tuple[int, int]) -> np.ndarray:
    """Decode a Kaggle RLE string into a ``uint8`` mask of ``shape=(H, W)``.

    An empty string (or NaN read by pandas) gives an all-zero mask.

    Raises:
        RLEError: odd number of values, non-integer values, a start below 1,
            a length below 1, or a run running past the last pixel.
    """
    h, w = int(shape[0]), int(shape[1])
    flat = np.zeros(h * w, dtype=np.uint8)
    if rle is None or (isinstance(rle, float) and np.isnan(rle)):
        return flat.reshape((w, h)).T
    tokens = str(rle).split()
    if len(tokens) % 2:
        raise RLEError(f'odd number of values ({len(tokens)}) in RLE; '
                       'expected "start length" pairs')
    try:
        values = np.array([int(t) for t in tokens], dtype=np.int64)
    except ValueError:
        raise RLEError(f'non-integer value in RLE {str(rle)[:60]!r}') \
            from None
    starts, lengths = values[0::2], values[1::2]
    if (starts < 1).any():
        raise RLEError(f'run start {int(starts.min())} < 1 (RLE pixels are '
                       '1-based)')
    if (lengths < 1).any():
        raise RLEError(f'run length {int(lengths.min())} < 1')
    ends = starts - 1 + lengths  # exclusive, 0-based
    if len(ends) and ends.max() > h * w:
        i = int(np.argmax(ends))
        raise RLEError(
            f'run {int(starts[i])} {int(lengths[i])} runs past the image: '
            f'it ends at pixel {int(ends[i])} but a {w}x{h} image has '
            f'{h * w} pixels')
    for s, e in zip(starts - 1, ends):
        flat[s:e] = 1
    # column-major: pixel k is (row k % H, column k // H)
    return flat.reshape((w, h)).T.copy()


def rle_encode(mask: np.ndarray) -> str:
    """Encode a 2-D mask (non-zero = foreground) as a Kaggle RLE string.

    The inverse of :func:`rle_decode`; an empty mask gives ``''``.
    """
    if mask.ndim != 2:
        raise ValueError(f'mask must be 2-D, got shape {mask.shape}')
    flat = (np.asarray(mask).T.reshape(-1) != 0).astype(np.int8)
    padded = np.concatenate([[0], flat, [0]])
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = changes[0::2], changes[1::2]
    return ' '.join(f'{s + 1} {e - s}' for s, e in zip(starts, ends))
