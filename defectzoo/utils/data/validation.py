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
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

#: Lists that :func:`collect_invalid_samples` has opened; every skipped
#: sample is appended to each of them.
_COLLECTORS: List[List['InvalidDataError']] = []


class InvalidDataError(ValueError):
    """A data file or annotation is unusable. The message names the file.

    ``InvalidDataError(message)`` with one argument is how torch's
    DataLoader re-raises an error of a worker process (the message holds
    the worker's traceback): ``path`` and ``problem`` are then taken from
    the traceback's last line, and the message is that line, so an error in
    a worker reads as one in the main process.
    """

    def __init__(self, path: str, problem: Optional[str] = None):
        if problem is None:  # re-raised from a DataLoader worker
            last = (str(path).strip().splitlines() or [''])[-1]
            last = last.split('InvalidDataError: ', 1)[-1]
            path, _, problem = last.partition(': ')
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
        for collector in _COLLECTORS:
            collector.append(error)

    def summary(self) -> Optional[str]:
        """Warn once with the counts of skipped samples per problem."""
        if not self.errors:
            return None
        counts = Counter(e.problem.split(':')[0] for e in self.errors)
        lines = [f'  {n} x {problem}' for problem, n in counts.most_common()]
        examples = [f'  e.g. {e}' for e in self.errors[:3]]
        msg = (f'{self.dataset_name}: skipped {len(self.errors)} invalid '
               'sample(s) (skip_invalid=True):\n' +
               '\n'.join(lines + examples))
        warnings.warn(msg, stacklevel=2)
        return msg


@contextmanager
def collect_invalid_samples() -> Iterator[List[InvalidDataError]]:
    """Collect every sample skipped by any :class:`InvalidSampleLog` while
    the context is open (used by ``tools/misc/check_dataset.py`` to list all
    problems of datasets built with ``skip_invalid=True``, whatever class
    they are).

    Example::

        with collect_invalid_samples() as errors:
            dataset = DATASETS.build(cfg)   # with skip_invalid=True
        for e in errors:
            print(e.path, e.problem)
    """
    errors: List[InvalidDataError] = []
    _COLLECTORS.append(errors)
    try:
        yield errors
    finally:
        _COLLECTORS.remove(errors)


def check_file_exists(path: str, what: str = 'file') -> None:
    """Raise :class:`InvalidDataError` if ``path`` does not exist."""
    if not osp.isfile(path):
        raise InvalidDataError(path, f'missing {what}')


#: Largest image accepted by default, in pixels (width x height): 100
#: megapixels, e.g. 10000 x 10000. A 389 KB PNG of 20000 x 20000 pixels
#: decodes to 1.2 GB (2.4 GB at 16 bit) per sample; such a file is refused
#: before it is decoded. Datasets and loading transforms take
#: ``max_pixels`` (None: no limit; Pillow's own decompression-bomb limit,
#: ``PIL.Image.MAX_IMAGE_PIXELS`` x 2, still applies to header reads).
DEFAULT_MAX_PIXELS = 100_000_000

#: Smallest side a dataset accepts by default, in pixels: a 1 x 1 or 3 x 3
#: image is not a defect image (a failed export, a thumbnail), and the
#: resize of the pipeline would silently upscale it into training.
#: ``min_size`` of the datasets / ``check_dataset.py --min-size`` changes
#: it (0: no limit); the loading transforms have no minimum by default.
DEFAULT_MIN_SIZE = 4


def check_image_size(shape: Sequence[int],
                     path: str,
                     max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                     min_size: Optional[int] = DEFAULT_MIN_SIZE) -> None:
    """Raise :class:`InvalidDataError` for an image of more than
    ``max_pixels`` pixels or with a side below ``min_size`` (``shape``:
    ``(height, width)``)."""
    height, width = int(shape[0]), int(shape[1])
    if max_pixels and height * width > max_pixels:
        raise InvalidDataError(
            path, f'image too large: {width}x{height} = '
            f'{height * width / 1e6:.0f} megapixels, more than max_pixels='
            f'{max_pixels} (decoded it would take at least '
            f'{height * width / 2**30:.1f} GiB); raise max_pixels of the '
            'dataset / loading transform if this size is intended')
    if min_size and min(height, width) < min_size:
        raise InvalidDataError(
            path, f'image too small: {width}x{height}, a side is below '
            f'min_size={min_size} pixels (lower min_size of the dataset / '
            'loading transform if this size is intended)')


def _bomb_pixels(exc: Exception) -> Optional[int]:
    """The pixel count in Pillow's DecompressionBombError message."""
    import re
    found = re.search(r'\((\d+) pixels\)', str(exc))
    return int(found.group(1)) if found else None


def size_from_header(content: bytes, path: str) -> Optional[Tuple[int, int]]:
    """``(height, width)`` from an image's header bytes, without decoding
    the pixels (None when Pillow does not recognise the format)."""
    import io

    from PIL import Image
    try:
        with warnings.catch_warnings():  # the size is checked by the caller
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as img:
                return img.size[1], img.size[0]
    except Image.DecompressionBombError as exc:
        pixels = _bomb_pixels(exc) or 0
        raise InvalidDataError(
            path, f'image too large: {pixels / 1e6:.0f} megapixels, beyond '
            "Pillow's decompression-bomb limit") from None
    except Exception:  # not an image Pillow knows: the decoder decides
        return None


def read_annotation_file(path: str) -> bytes:
    """The bytes of an annotation file, raising :class:`InvalidDataError`
    if it is missing or empty (blank)."""
    check_file_exists(path, 'annotation file')
    with open(path, 'rb') as f:
        content = f.read()
    if not content.strip():
        raise InvalidDataError(path, 'empty annotation file')
    return content


def decode_checked(content: bytes,
                   path: str,
                   flag: str = 'unchanged',
                   backend: str = 'cv2',
                   what: str = 'image',
                   max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                   min_size: Optional[int] = None) -> np.ndarray:
    """Decode the bytes of an image file with :func:`mmcv.imfrombytes`,
    raising :class:`InvalidDataError` (naming ``path``) for an empty,
    truncated or undecodable file -- where OpenCV would return a grey-filled
    image or ``None``.

    The one checked decoder: :func:`read_image_checked`,
    :func:`read_mask_checked` and ``LoadImageChecked`` all decode through it.

    Args:
        content: the file's bytes.
        path: named in the errors.
        flag, backend: as in :func:`mmcv.imfrombytes`.
        what: ``'image'`` or ``'mask'``, for the messages.
        max_pixels, min_size: see :func:`check_image_size`; the size is
            read from the header, so an image bomb is never decoded.
    """
    import mmcv
    if not content:
        raise InvalidDataError(path, f'empty {what} file (0 bytes)')
    check_not_truncated(content[:16], content[-TAIL_BYTES:], path)
    if max_pixels or min_size:
        shape = size_from_header(content, path)
        if shape is not None:
            check_image_size(shape, path, max_pixels, min_size)
    try:
        img = mmcv.imfrombytes(content, flag=flag, backend=backend)
    except Exception as exc:  # decoders raise many types
        raise InvalidDataError(path, f'unreadable {what} ({exc})') from exc
    if img is None or img.size == 0:
        raise InvalidDataError(
            path, f'unreadable {what}: truncated, corrupt or not an image')
    return img


def read_image_checked(path: str,
                       flag: str = 'unchanged',
                       allowed_depths: Sequence = (np.uint8, np.uint16),
                       allowed_channels: Sequence[int] = (1, 3, 4),
                       backend: str = 'cv2',
                       what: str = 'image',
                       max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                       min_size: Optional[int] = None) -> np.ndarray:
    """Read an image, raising a named error if it is missing, unreadable,
    truncated, empty, too large / small (:func:`check_image_size`) or of an
    unexpected bit depth / channel count.

    Returns the image as read by :func:`mmcv.imread` with ``flag``.
    """
    check_file_exists(path, f'{what} file')
    with open(path, 'rb') as f:
        img = decode_checked(f.read(), path, flag, backend, what, max_pixels,
                             min_size)
    channels = 1 if img.ndim == 2 else img.shape[2]
    _check_depth_channels(path, img.dtype.name, channels, allowed_depths,
                          allowed_channels)
    return img


def check_box(box: Sequence[float],
              img_shape: Tuple[int, int],
              path: str,
              tol: float = 1.0) -> None:
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


# ---------------------------------------------------------------------------
# Header-level checks (no decoding) and whole-sample checks.
# ---------------------------------------------------------------------------

#: How many bytes at the end of a file are searched for the end marker.
TAIL_BYTES = 1024

#: PIL mode -> (numpy dtype that ``cv2.IMREAD_UNCHANGED`` gives, channels).
#: Palette images ('P') decode to 3 channels with OpenCV, to indices with
#: Pillow (masks); see ``palette_channels`` in :func:`read_image_header`.
_PIL_MODES = {
    '1': ('uint8', 1),
    'L': ('uint8', 1),
    'LA': ('uint8', 2),
    'RGB': ('uint8', 3),
    'YCbCr': ('uint8', 3),
    'CMYK': ('uint8', 3),
    'RGBA': ('uint8', 4),
    'RGBX': ('uint8', 3),
    'I;16': ('uint16', 1),
    'I;16L': ('uint16', 1),
    'I;16B': ('uint16', 1),
    'I;16N': ('uint16', 1),
    'I': ('int32', 1),
    'F': ('float32', 1),
}

#: The values of ``check_images`` understood by :func:`check_sample`.
CHECK_MODES = ('none', 'header', 'full')


def check_not_truncated(head: bytes, tail: bytes, path: str) -> None:
    """Raise if a JPEG lacks its end-of-image marker or a PNG its ``IEND``
    chunk (OpenCV decodes truncated JPEGs without error, grey-filling the
    missing part).

    Args:
        head: the first bytes of the file (at least 8).
        tail: the last :data:`TAIL_BYTES` bytes of the file.
        path: named in the error.
    """
    if head[:3] == b'\xff\xd8\xff':
        if b'\xff\xd9' not in tail:
            raise InvalidDataError(
                path, 'truncated image: JPEG end-of-image marker missing')
    elif head[:8] == b'\x89PNG\r\n\x1a\n':
        if b'IEND' not in tail:
            raise InvalidDataError(path,
                                   'truncated image: PNG IEND chunk missing')


def _check_depth_channels(path: str, dtype: str, channels: int,
                          allowed_depths: Sequence,
                          allowed_channels: Sequence[int]) -> None:
    """Raise if a decoded image has a dtype or channel count not allowed."""
    if np.dtype(dtype) not in [np.dtype(d) for d in allowed_depths]:
        raise InvalidDataError(
            path, f'unexpected bit depth: dtype {dtype}, expected one of '
            f'{[np.dtype(d).name for d in allowed_depths]}')
    if channels not in allowed_channels:
        raise InvalidDataError(
            path, f'unexpected mode: {channels} channels, expected '
            f'{list(allowed_channels)}')


def read_image_header(path: str,
                      allowed_depths: Sequence = (np.uint8, np.uint16),
                      allowed_channels: Sequence[int] = (1, 3, 4),
                      palette_channels: int = 3,
                      what: str = 'image file',
                      max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                      min_size: Optional[int] = None) -> Tuple[int, int]:
    """Check an image file from its header and end marker, without decoding
    the pixels: it exists, is not empty, is a recognised image, is not
    truncated (JPEG / PNG) and has an allowed bit depth and channel count.

    Costs about 0.1 ms a file, so datasets run it on every sample at load
    time (``check_images='header'``). Formats Pillow does not know are
    decoded with OpenCV instead.

    Args:
        path: image file.
        allowed_depths: numpy dtypes accepted (as OpenCV would decode).
        allowed_channels: channel counts accepted.
        palette_channels: channels a palette ('P') image counts as: 3 for
            images (OpenCV expands the palette), 1 for label masks (read
            as indices with Pillow).
        what: what the file is, for the messages (``'mask file'`` ...).
        max_pixels, min_size: see :func:`check_image_size`.

    Returns:
        ``(height, width)``.
    """
    from PIL import Image, UnidentifiedImageError
    check_file_exists(path, what)
    with open(path, 'rb') as f:
        head = f.read(16)
        if not head:
            raise InvalidDataError(path, f'empty {what} (0 bytes)')
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - TAIL_BYTES))
        tail = f.read()
    check_not_truncated(head, tail, path)
    try:
        with warnings.catch_warnings():  # the size is checked below
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                mode = img.mode
    except UnidentifiedImageError:
        img = read_image_checked(
            path,
            'unchanged',
            allowed_depths,
            allowed_channels,
            max_pixels=max_pixels,
            min_size=min_size)
        return img.shape[:2]
    except Image.DecompressionBombError as exc:
        raise InvalidDataError(
            path, f'image too large: {(_bomb_pixels(exc) or 0) / 1e6:.0f} '
            "megapixels, beyond Pillow's decompression-bomb limit") from None
    except Exception as exc:  # Pillow raises several types on bad headers
        raise InvalidDataError(path, f'unreadable image ({exc})') from exc
    if mode == 'P':
        dtype, channels = 'uint8', palette_channels
    elif mode in _PIL_MODES:
        dtype, channels = _PIL_MODES[mode]
    else:
        raise InvalidDataError(path, f'unexpected mode: {mode!r}')
    _check_depth_channels(path, dtype, channels, allowed_depths,
                          allowed_channels)
    if width <= 0 or height <= 0:
        raise InvalidDataError(path, f'empty image: size {width}x{height}')
    check_image_size((height, width), path, max_pixels, min_size)
    return height, width


def read_mask_checked(
    path: str,
    allowed_depths: Sequence = (np.uint8, ),
    allowed_channels: Sequence[int] = (1, )
) -> np.ndarray:
    """Decode a label / binary mask (Pillow, so palette PNGs give indices,
    as in mmseg's ``LoadAnnotations``) with the checks of
    :func:`read_image_checked`.
    """
    return read_image_checked(
        path,
        'unchanged',
        allowed_depths,
        allowed_channels,
        backend='pillow',
        what='mask',
        min_size=None)


def check_sample(
        data_info: dict,
        check_images: str = 'header',
        img_depths: Sequence = (np.uint8, np.uint16),
        img_channels: Sequence[int] = (1, 3, 4),
        mask_depths: Sequence = (np.uint8, ),
        mask_channels: Sequence[int] = (1, ),
        ann_path: Optional[str] = None,
        box_tol: float = 1.0,
        max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
        min_size: Optional[int] = DEFAULT_MIN_SIZE
) -> Optional[Tuple[int, int]]:
    """Check one sample of a dataset's ``data_list``.

    Looks at the keys OpenMMLab datasets use: ``img_path``, optional
    ``seg_map_path``, ``height`` / ``width`` and ``instances[*]['bbox']``.

    Args:
        data_info: one entry of ``data_list``.
        check_images: ``'none'`` (files exist; boxes against the declared
            size), ``'header'`` (:func:`read_image_header` on image and mask)
            or ``'full'`` (decode both).
        img_depths, img_channels: accepted image dtypes / channel counts.
        mask_depths, mask_channels: the same for ``seg_map_path``.
        ann_path: file named in box errors; defaults to the info's
            ``xml_path`` / ``ann_path`` or else the image.
        box_tol: slack in pixels for :func:`check_box`.
        max_pixels, min_size: image size limits (:func:`check_image_size`),
            checked from the header or the declared size.

    Returns:
        the image ``(height, width)`` when known, else None.

    Raises:
        InvalidDataError: naming the file and the problem.
    """
    if check_images not in CHECK_MODES:
        raise ValueError(f'check_images must be one of {CHECK_MODES}, got '
                         f'{check_images!r}')
    img_path = data_info['img_path']
    declared = None
    if data_info.get('height') and data_info.get('width'):
        declared = (int(data_info['height']), int(data_info['width']))
    ann_path = ann_path or data_info.get('xml_path') or data_info.get(
        'ann_path') or img_path

    in_memory = data_info.get('img')
    if isinstance(in_memory, np.ndarray):  # generated / rendered in memory
        shape = tuple(int(v) for v in in_memory.shape[:2])
    elif check_images == 'none':
        check_file_exists(img_path, 'image file')
        shape = declared
        if shape is not None:
            check_image_size(shape, img_path, max_pixels, min_size)
    else:
        if check_images == 'header':
            shape = read_image_header(
                img_path,
                img_depths,
                img_channels,
                max_pixels=max_pixels,
                min_size=min_size)
        else:
            shape = read_image_checked(
                img_path,
                'unchanged',
                img_depths,
                img_channels,
                max_pixels=max_pixels,
                min_size=min_size).shape[:2]
        shape = tuple(int(v) for v in shape)
        if declared is not None and declared != shape:
            raise InvalidDataError(
                ann_path, f'annotated image size {declared[1]}x{declared[0]}'
                f' differs from the size of {img_path}: '
                f'{shape[1]}x{shape[0]}')

    seg_path = data_info.get('seg_map_path')
    if seg_path:
        if check_images == 'none':
            check_file_exists(seg_path, 'mask file')
        else:
            if check_images == 'header':
                mask_shape = read_image_header(
                    seg_path,
                    mask_depths,
                    mask_channels,
                    palette_channels=1,
                    what='mask file',
                    max_pixels=max_pixels,
                    min_size=None)
            else:
                mask_shape = read_mask_checked(seg_path, mask_depths,
                                               mask_channels).shape[:2]
            check_mask_shape(np.broadcast_to(0, mask_shape), shape, seg_path)

    for instance in data_info.get('instances', ()):
        if 'bbox' not in instance:
            continue
        if shape is None:
            x1, y1, x2, y2 = [float(v) for v in instance['bbox']]
            if x2 <= x1 or y2 <= y1:
                raise InvalidDataError(
                    ann_path, f'zero-area box: {[x1, y1, x2, y2]} '
                    '(x2 <= x1 or y2 <= y1)')
        else:
            check_box(instance['bbox'], shape, ann_path, tol=box_tol)
    return shape
