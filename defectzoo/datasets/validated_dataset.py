"""The bad-data handling that every defectzoo dataset class shares.

When a dataset is built, ``load_data_list`` parses each sample's annotation
and then checks it with :func:`~defectzoo.utils.data.validation.check_sample`
according to ``check_images``:

* ``'none'``: files exist; boxes are checked against the annotated size.
* ``'header'`` (default): also reads each image's (and mask's) header and
  end marker without decoding -- missing, empty, truncated, unreadable or
  wrong-mode files and mask / image size mismatches are caught at load
  time for about 0.1 ms a file.
* ``'full'``: decodes every image and mask (what
  ``tools/misc/check_dataset.py`` does); slow for large datasets.

Decoding errors that only a full decode finds are otherwise caught lazily
by :class:`~defectzoo.datasets.transforms.LoadImageChecked` in the
pipeline. A bad sample raises
:class:`~defectzoo.utils.data.validation.InvalidDataError` (file + problem);
with ``skip_invalid=True`` it is skipped and counted, one summary warning
is given and the errors stay in ``dataset.invalid_samples``.
"""
import logging
from typing import Callable, Iterable, List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log

from ..utils.data.validation import (CHECK_MODES, DEFAULT_MAX_PIXELS,
                                     DEFAULT_MIN_SIZE, InvalidDataError,
                                     InvalidSampleLog, check_sample,
                                     read_image_header)


class ValidatedDatasetMixin:
    """Adds ``skip_invalid`` / ``check_images`` to an OpenMMLab dataset.

    A subclass calls :meth:`_init_validation` before ``super().__init__``
    (which may load the data) and builds its ``data_list`` with
    :meth:`_parse_all`. Class attributes set what image modes are valid.
    """

    #: numpy dtypes accepted for images (as OpenCV decodes them unchanged).
    IMG_DEPTHS: Tuple = (np.uint8, np.uint16)
    #: channel counts accepted for images.
    IMG_CHANNELS: Tuple[int, ...] = (1, 3, 4)
    #: dtypes / channels accepted for masks (``seg_map_path``).
    MASK_DEPTHS: Tuple = (np.uint8, )
    MASK_CHANNELS: Tuple[int, ...] = (1, )

    def __init__(self,
                 *args,
                 max_pixels: Optional[int] = DEFAULT_MAX_PIXELS,
                 min_size: Optional[int] = DEFAULT_MIN_SIZE,
                 **kwargs):
        """Every validated dataset also takes ``max_pixels`` (largest image,
        width x height; None: no limit) and ``min_size`` (smallest side;
        0: no limit), see
        :func:`~defectzoo.utils.data.validation.check_image_size`."""
        self.max_pixels = max_pixels
        self.min_size = min_size
        super().__init__(*args, **kwargs)

    def _init_validation(self,
                         skip_invalid: bool = False,
                         check_images: str = 'header') -> None:
        if check_images not in CHECK_MODES:
            raise ValueError(f'check_images must be one of {CHECK_MODES}, '
                             f'got {check_images!r}')
        self.skip_invalid = skip_invalid
        self.check_images = check_images
        #: the samples skipped by the last load (``skip_invalid=True``).
        self.invalid_samples: List[InvalidDataError] = []

    def check_data_info(
            self,
            data_info: dict,
            check_images: Optional[str] = None,
            ann_path: Optional[str] = None) -> Optional[Tuple[int, int]]:
        """Check one ``data_list`` entry with this dataset's rules.

        Returns the image ``(height, width)`` when known.
        """
        return check_sample(
            data_info,
            check_images or self.check_images,
            img_depths=self.IMG_DEPTHS,
            img_channels=self.IMG_CHANNELS,
            mask_depths=self.MASK_DEPTHS,
            mask_channels=self.MASK_CHANNELS,
            ann_path=ann_path,
            max_pixels=getattr(self, 'max_pixels', DEFAULT_MAX_PIXELS),
            min_size=getattr(self, 'min_size', DEFAULT_MIN_SIZE))

    def _new_log(self) -> InvalidSampleLog:
        return InvalidSampleLog(type(self).__name__, self.skip_invalid)

    def _parse_all(self,
                   raw_items: Iterable,
                   parse: Callable[[object], Optional[dict]],
                   log: Optional[InvalidSampleLog] = None) -> List[dict]:
        """``[parse(raw)]`` with every result checked by
        :meth:`check_data_info`; bad samples raise or (``skip_invalid``) are
        skipped. ``parse`` may return None to drop a sample silently.
        """
        log = log or self._new_log()
        data_list = []
        for raw in raw_items:
            try:
                info = parse(raw)
                if info is None:
                    continue
                shape = self.check_data_info(info)
                if 'height' in info and (info['height'] is None
                                         or info['width'] is None):
                    # size not annotated: take it from the file
                    shape = shape or read_image_header(
                        info['img_path'],
                        self.IMG_DEPTHS,
                        self.IMG_CHANNELS,
                        max_pixels=getattr(self, 'max_pixels',
                                           DEFAULT_MAX_PIXELS),
                        min_size=getattr(self, 'min_size', DEFAULT_MIN_SIZE))
                    info['height'], info['width'] = shape
                    self.check_data_info(info, 'none')  # boxes vs size
            except InvalidDataError as error:
                log.record(error)
                continue
            data_list.append(info)
        log.summary()
        self.invalid_samples = list(log.errors)
        if not data_list:
            print_log(
                f'{type(self).__name__}: no samples (an empty split?)',
                logger='current',
                level=logging.WARNING)
        return data_list

    def _serialize_data(self):
        """mmengine's serialisation fails on an empty ``data_list`` (e.g. a
        split of a tiny data set that gets no image)."""
        if not self.data_list:
            return np.zeros(0, np.uint8), np.zeros(0, np.int64)
        return super()._serialize_data()
