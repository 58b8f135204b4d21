"""Pascal VOC XML detection with checked annotations.

mmdet's ``XMLDataset`` silently drops objects with an unknown class name and
needs the VOC folder names; :class:`VOCDetDataset` takes any image /
annotation sub-folders (NEU keeps them in ``IMAGES`` / ``ANNOTATIONS``),
finds images by listing when there is no id file, and reports every
annotation problem as an :class:`InvalidDataError` naming the XML file.
"""
import os
import os.path as osp
import xml.etree.ElementTree as ET
from typing import List, Optional, Sequence, Tuple

from mmdet.datasets import XMLDataset
from mmengine.fileio import list_from_file

from defectzoo.registry import DATASETS
from ..utils.data.splits import natural_key
from ..utils.data.validation import (InvalidDataError, check_file_exists,
                                     read_annotation_file)
from .validated_dataset import ValidatedDatasetMixin

IMG_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')


def read_voc_xml(path: str) -> ET.Element:
    """Parse a VOC XML, raising :class:`InvalidDataError` for a missing,
    empty or malformed file."""
    content = read_annotation_file(path)
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise InvalidDataError(path, f'malformed XML ({exc})') from exc
    if root.tag != 'annotation':
        raise InvalidDataError(
            path, f'not a VOC annotation: root element <{root.tag}>')
    return root


def _number(elem: Optional[ET.Element], tag: str, path: str) -> float:
    text = elem.findtext(tag) if elem is not None else None
    try:
        return float(text)
    except (TypeError, ValueError):
        raise InvalidDataError(
            path, f'bad box: <{tag}> is {text!r}, not a number') from None


@DATASETS.register_module()
class VOCDetDataset(ValidatedDatasetMixin, XMLDataset):
    """Pascal VOC XML boxes, any layout, validated.

    Args:
        ann_file: file of image ids, one a line (relative to ``data_root``
            or absolute). Empty: every image found in ``img_subdir``.
        img_subdir: image folder under ``data_root``.
        ann_subdir: XML folder under ``data_root``.
        img_suffixes: image suffixes tried for an id, in order.
        minus_one: subtract 1 from the 1-based VOC coordinates.
        allow_empty: an XML with no ``<object>`` is a negative image (True)
            or an error (False).
        unknown_classes: ``'error'``: an object whose name is not in
            ``metainfo['classes']`` is an error; ``'ignore'``: skip it
            (mmdet's behaviour, for training on a subset of classes).
        skip_invalid: skip bad images with one summary warning.
        check_images: ``'none'`` | ``'header'`` | ``'full'``.
        **kwargs: :class:`mmdet.datasets.BaseDetDataset` arguments
            (``data_root``, ``metainfo`` with ``classes``: without them,
            the sorted object names of the XML files, ``filter_cfg``,
            ``pipeline``, ``test_mode`` ...).
    """

    def __init__(self,
                 ann_file: str = '',
                 img_subdir: str = 'JPEGImages',
                 ann_subdir: str = 'Annotations',
                 img_suffixes: Sequence[str] = IMG_SUFFIXES,
                 minus_one: bool = True,
                 allow_empty: bool = True,
                 unknown_classes: str = 'error',
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        if unknown_classes not in ('error', 'ignore'):
            raise ValueError("unknown_classes must be 'error' or 'ignore', "
                             f'got {unknown_classes!r}')
        self._init_validation(skip_invalid, check_images)
        self.img_suffixes = tuple(s.lower() for s in img_suffixes)
        self.minus_one = minus_one
        self.allow_empty = allow_empty
        self.unknown_classes = unknown_classes
        super().__init__(
            ann_file=ann_file,
            img_subdir=img_subdir,
            ann_subdir=ann_subdir,
            **kwargs)

    @property
    def root_dir(self) -> str:
        """``data_prefix['sub_data_root']`` if given, else ``data_root``."""
        return self.sub_data_root or self.data_root or ''

    def _sample_ids(self) -> List[Tuple[str, str]]:
        """``[(id, image path)]`` to load."""
        img_dir = osp.join(self.root_dir, self.img_subdir)
        if self.ann_file:
            check_file_exists(self.ann_file, 'id list file')
            ids = [i.strip() for i in list_from_file(self.ann_file)]
            ids = [i for i in ids if i]
            if not ids:
                raise InvalidDataError(self.ann_file, 'empty id list file')
            return [(i, self._find_image(img_dir, i)) for i in ids]
        if not osp.isdir(img_dir):
            raise InvalidDataError(img_dir, 'missing image folder')
        found = {}
        for name in sorted(os.listdir(img_dir), key=natural_key):
            stem, ext = osp.splitext(name)
            if ext.lower() in self.img_suffixes and stem not in found:
                found[stem] = osp.join(img_dir, name)
        if not found:
            raise InvalidDataError(
                img_dir, f'no images with suffix {self.img_suffixes}')
        return list(found.items())

    def _find_image(self, img_dir: str, stem: str) -> str:
        for suffix in self.img_suffixes:
            path = osp.join(img_dir, stem + suffix)
            if osp.isfile(path):
                return path
        return osp.join(img_dir, stem + self.img_suffixes[0])

    def _known_names(self) -> Sequence[str]:
        """Class names that are skipped, not errors, when left out of
        ``metainfo['classes']``."""
        return ()

    def load_data_list(self) -> List[dict]:
        """Parse and check every XML of :meth:`_sample_ids`; without
        ``metainfo['classes']``, the classes are the sorted object names
        of those XML files (:meth:`classes_from_xml`)."""
        ann_dir = osp.join(self.root_dir, self.ann_subdir)
        samples = self._sample_ids()
        classes = self._metainfo.get('classes')
        if not classes:
            classes = self.classes_from_xml(samples, ann_dir)
            self._metainfo['classes'] = classes
        self.cat2label = {c: i for i, c in enumerate(classes)}

        def parse(item):
            img_id, img_path = item
            return self.parse_xml(img_id, img_path,
                                  osp.join(ann_dir, img_id + '.xml'))

        return self._parse_all(samples, parse)

    @staticmethod
    def classes_from_xml(samples: Sequence[Tuple[str, str]],
                         ann_dir: str) -> Tuple[str, ...]:
        """The sorted ``<object><name>``s of the XML files of ``samples``
        (``[(id, image path)]``). An unreadable file is left to the parse
        that follows, which reports (or skips) it.

        Raises:
            InvalidDataError: no annotation folder, or no named object in
                any of its files.
        """
        if not osp.isdir(ann_dir):
            raise InvalidDataError(ann_dir, 'missing annotation folder')
        names = set()
        for img_id, _ in samples:
            try:
                root = read_voc_xml(osp.join(ann_dir, img_id + '.xml'))
            except InvalidDataError:
                continue
            names.update((obj.findtext('name') or '').strip()
                         for obj in root.findall('object'))
        names.discard('')
        if not names:
            raise InvalidDataError(
                ann_dir, f'no annotated object in the XML files of the '
                f'{len(samples)} image(s): no classes to learn (or name '
                'them: metainfo=dict(classes=(...)))')
        return tuple(sorted(names))

    def parse_xml(self, img_id: str, img_path: str, xml_path: str) -> dict:
        """One ``data_list`` entry from a VOC XML (mmdet's keys)."""
        root = read_voc_xml(xml_path)
        height = width = None
        size = root.find('size')
        if size is not None and size.findtext('width') and size.findtext(
                'height'):
            try:
                width = int(float(size.findtext('width')))
                height = int(float(size.findtext('height')))
            except ValueError:
                raise InvalidDataError(
                    xml_path,
                    'bad <size>: width / height not numbers') from None
            if width <= 0 or height <= 0:
                width = height = None  # some tools write 0: read the image
        objects = root.findall('object')
        if not objects and not self.allow_empty:
            raise InvalidDataError(xml_path, 'annotation has no objects')
        instances = []
        for obj in objects:
            name = (obj.findtext('name') or '').strip()
            if name not in self.cat2label:
                if self.unknown_classes == 'ignore' or (
                        name in self._known_names()):
                    continue
                raise InvalidDataError(
                    xml_path, f'unknown class {name!r}; known classes: '
                    f'{list(self.cat2label)}')
            box = obj.find('bndbox')
            if box is None:
                raise InvalidDataError(xml_path,
                                       f'object {name!r} without <bndbox>')
            bbox = [
                _number(box, t, xml_path)
                for t in ('xmin', 'ymin', 'xmax', 'ymax')
            ]
            if self.minus_one:
                bbox = [v - 1 for v in bbox]
            difficult = obj.findtext('difficult')
            ignore = bool(difficult and difficult.strip() not in ('0', ''))
            min_size = self.bbox_min_size
            if min_size is not None and not self.test_mode and (
                    bbox[2] - bbox[0] < min_size
                    or bbox[3] - bbox[1] < min_size):
                ignore = True
            instances.append(
                dict(
                    bbox=bbox,
                    bbox_label=self.cat2label[name],
                    ignore_flag=int(ignore)))
        return dict(
            img_id=img_id,
            img_path=img_path,
            xml_path=xml_path,
            height=height,
            width=width,
            instances=instances)
