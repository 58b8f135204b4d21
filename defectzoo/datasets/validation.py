"""Checks that turn bad data into clear errors naming the file and the problem.

Every loader in :mod:`defectzoo.datasets` validates through these helpers, so
a user sees ``InvalidDataError: data/x/img_3.png: image is truncated or not
an image`` instead of a traceback from inside OpenCV or a collate function.
With ``skip_invalid=True`` a dataset passes an :class:`InvalidSampleLog` and
the bad samples are skipped, counted and reported in one summary warning.
"""
import os.path as osp
import warnings
from collections import Counter
from typing import List, Optional, Sequence, Tuple

import numpy as np


class InvalidDataError(ValueError):
    """A data file or annotation is unusable. The message names the file."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f'{path}: {problem}')


class InvalidSampleLog:
    """Collects invalid samples when ``skip_invalid=True``.

    Args:
        dataset_name: shown in the summary warning.
        skip_invalid: if False, :meth:`record` re-raises the error.
    """

    def __init__(self, dataset_name: str, skip_invalid: bool = False):
        self.dataset_name = dataset_name
        self.skip_invalid = skip_invalid
        self.errors: List[InvalidDataError] = []

    def record(self, error: InvalidDataError) -> None:
        """Keep ``error`` (skip mode) or raise it."""
        if not self.skip_invalid:
            raise error
        self.errors.append(error)

    def summary(self) -> Optional[str]:
        """Warn once with the counts of skipped samples per problem."""
        if not self.errors:
            return None
        counts = Counter(e.problem.split(':')[0] for e in self.errors)
        lines = [f'  {n} x {problem}' for problem, n in counts.most_common()]
        examples = [f'  e.g. {e}' for e in self.errors[:3]]
        msg = (f'{self.dataset_name}: skipped {len(self.errors)} invalid '
               'sample(s) (skip_invalid=True):\n' + '\n'.join(lines + examples))
        warnings.warn(msg, stacklevel=2)
        return msg


def check_file_exists(path: str, what: str = 'file') -> None:
    """Raise :class:`InvalidDataError` if ``path`` does not exist."""
    if not osp.isfile(path):
        raise InvalidDataError(path, f'missing {what}')


def read_image_checked(path: str,
                       flag: str = 'unchanged',
                       allowed_depths: Sequence = (np.uint8, np.uint16),
                       allowed_channels: Sequence[int] = (1, 3, 4)
                       ) -> np.ndarray:
    """Read an image, raising a named error if it is missing, unreadable,
    truncated, empty or of an unexpected bit depth / channel count.

    Returns the image as read by :func:`mmcv.imread` with ``flag``.
    """
    import mmcv
    check_file_exists(path, 'image file')
    with open(path, 'rb') as f:
        content = f.read()
    if len(content) == 0:
        raise InvalidDataError(path, 'empty image file (0 bytes)')
    try:
        img = mmcv.imfrombytes(content, flag=flag, backend='cv2')
    except Exception as exc:  # decoders raise many types
        raise InvalidDataError(path, f'unreadable image ({exc})') from exc
    if img is None or img.size == 0:
        raise InvalidDataError(path, 'unreadable image: truncated, corrupt '
                               'or not an image')
    if img.dtype not in [np.dtype(d) for d in allowed_depths]:
        raise InvalidDataError(
            path, f'unexpected bit depth: dtype {img.dtype}, expected one of '
            f'{[np.dtype(d).name for d in allowed_depths]}')
    channels = 1 if img.ndim == 2 else img.shape[2]
    if channels not in allowed_channels:
        raise InvalidDataError(
            path, f'unexpected mode: {channels} channels, expected '
            f'{list(allowed_channels)}')
    return img


def check_box(box: Sequence[float], img_shape: Tuple[int, int],
              path: str, tol: float = 1.0) -> None:
    """Check an ``(x1, y1, x2, y2)`` box lies in an ``(h, w)`` image.

    ``tol`` pixels of slack allow the usual 1-based / inclusive conventions.
    """
    x1, y1, x2, y2 = [float(v) for v in box]
    h, w = img_shape
    if x2 <= x1 or y2 <= y1:
        raise InvalidDataError(
            path, f'zero-area box: {[x1, y1, x2, y2]} (x2 <= x1 or y2 <= y1)')
    if x1 < -tol or y1 < -tol or x2 > w + tol or y2 > h + tol:
        raise InvalidDataError(
            path, f'box outside the image: {[x1, y1, x2, y2]} in an image of '
            f'width {w} and height {h}')


def check_mask_shape(mask: np.ndarray, img_shape: Tuple[int, int],
                     path: str) -> None:
    """Check a mask has the same height and width as its image."""
    if tuple(mask.shape[:2]) != tuple(img_shape[:2]):
        raise InvalidDataError(
            path, f'mask size {mask.shape[1]}x{mask.shape[0]} differs from '
            f'image size {img_shape[1]}x{img_shape[0]}')


def check_class_name(name: str, classes: Sequence[str], path: str) -> int:
    """Return the index of ``name`` in ``classes`` or raise a named error."""
    if name not in classes:
        raise InvalidDataError(
            path, f'unknown class {name!r}; known classes: {list(classes)}')
    return list(classes).index(name)
