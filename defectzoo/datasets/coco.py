"""COCO JSON detection with checked annotations.

mmdet's ``CocoDataset`` drops boxes outside the image, zero-area boxes and
unknown category ids without a word and defaults to the 80 COCO classes.
:class:`CocoDetDataset` reports each of them as an
:class:`~defectzoo.utils.data.validation.InvalidDataError` naming the JSON
file and the image, and takes its classes from the file's ``categories``
when ``metainfo`` gives none.
"""
import json
import math
import os.path as osp
from collections import defaultdict
from typing import List

from mmdet.datasets import CocoDataset

from defectzoo.registry import DATASETS
from ..utils.data.validation import InvalidDataError, read_annotation_file
from .validated_dataset import ValidatedDatasetMixin


def read_coco_json(path: str) -> dict:
    """Load a COCO annotation file, raising :class:`InvalidDataError` for a
    missing, empty or malformed one."""
    content = read_annotation_file(path)
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise InvalidDataError(path, f'malformed JSON ({exc})') from exc
    if not isinstance(data, dict) or not isinstance(data.get('images'), list):
        raise InvalidDataError(path, 'not a COCO file: no "images" list')
    for key in ('annotations', 'categories'):
        if not isinstance(data.get(key, []), list):
            raise InvalidDataError(path, f'"{key}" is not a list')
    return data


@DATASETS.register_module()
class CocoDetDataset(ValidatedDatasetMixin, CocoDataset):
    """COCO-format detection, validated.

    Args:
        ann_file: the COCO JSON (relative to ``data_root`` or absolute).
        data_prefix: ``dict(img='images/')``, mmdet's key.
        skip_invalid: skip bad images with one summary warning.
        check_images: ``'none'`` | ``'header'`` | ``'full'``.
        **kwargs: :class:`mmdet.datasets.CocoDataset` arguments;
            ``metainfo=dict(classes=...)`` picks (and orders) a subset of
            the file's categories, the others' boxes being left out.
    """

    METAINFO = dict(classes=None)

    def __init__(self,
                 *args,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse and check every image of the JSON file.

        Problems of the file as a whole (an image entry that is not an
        object, duplicate image or annotation ids, an annotation of an image
        that does not exist, a bad category) raise
        :class:`InvalidDataError` even with ``skip_invalid``; problems of one
        image (its size, a box, a class) are skipped and counted with it.
        """
        data = read_coco_json(self.ann_file)
        categories = {}
        for cat in data.get('categories', []):
            if not isinstance(cat, dict) or 'id' not in cat or \
                    'name' not in cat:
                raise InvalidDataError(self.ann_file,
                                       f'category without id or name: {cat}')
            categories[cat['id']] = cat['name']
        if not categories:
            raise InvalidDataError(self.ann_file, 'no categories')
        classes = self._metainfo.get('classes')
        if not classes:
            classes = tuple(categories[i] for i in sorted(categories))
            self._metainfo['classes'] = classes
        name_to_id = {name: i for i, name in categories.items()}
        missing = [c for c in classes if c not in name_to_id]
        if missing:
            raise InvalidDataError(
                self.ann_file, f'classes {missing} are not among the '
                f'categories {sorted(name_to_id)}')
        self.cat_ids = [name_to_id[c] for c in classes]
        self.cat2label = {cat_id: i for i, cat_id in enumerate(self.cat_ids)}

        images = data['images']
        for i, img in enumerate(images):
            if not isinstance(img, dict):
                raise InvalidDataError(
                    self.ann_file, f'images[{i}] is not an object: '
                    f'{str(img)[:80]}')
        img_ids = [img.get('id') for img in images]
        repeated = sorted({str(i) for i in img_ids if img_ids.count(i) > 1})
        if repeated:
            raise InvalidDataError(
                self.ann_file, f'duplicate image ids: {", ".join(repeated)}')
        known_ids = set(img_ids)

        anns_by_img = defaultdict(list)
        ann_ids = set()
        for i, ann in enumerate(data.get('annotations', [])):
            if not isinstance(ann, dict):
                raise InvalidDataError(
                    self.ann_file, f'annotations[{i}] is not an object: '
                    f'{str(ann)[:80]}')
            ann_id = ann.get('id')
            if ann_id is not None:
                if ann_id in ann_ids:
                    raise InvalidDataError(
                        self.ann_file, f'duplicate annotation id {ann_id}')
                ann_ids.add(ann_id)
            if ann.get('image_id') not in known_ids:
                raise InvalidDataError(
                    self.ann_file, f'annotation {ann_id} refers to image id '
                    f'{ann.get("image_id")!r}, which is not among the images')
            anns_by_img[ann['image_id']].append(ann)
        self.cat_img_map = defaultdict(list)
        for img_id, anns in anns_by_img.items():
            for ann in anns:
                self.cat_img_map[ann.get('category_id')].append(img_id)

        def parse(img: dict) -> dict:
            return self._parse_image(img, anns_by_img[img.get('id')],
                                     categories)

        return self._parse_all(images, parse)

    def _parse_image(self, img: dict, anns: List[dict],
                     categories: dict) -> dict:
        file_name = img.get('file_name')
        where = f'{self.ann_file}[{file_name}]'
        if not file_name or not isinstance(file_name, str):
            raise InvalidDataError(self.ann_file,
                                   f'image without file_name: {img}')
        size = {}
        for key in ('height', 'width'):
            value = img.get(key)
            if value is not None and not (_is_number(value) and
                                          math.isfinite(value) and value > 0):
                raise InvalidDataError(
                    where, f'bad image {key} {value!r} (a positive number '
                    'or absent)')
            size[key] = value
        img_path = osp.join(self.data_prefix.get('img', ''), file_name)
        instances = []
        for ann in anns:
            cat_id = ann.get('category_id')
            if cat_id not in categories:
                raise InvalidDataError(
                    where, f'unknown class: category_id {cat_id!r} is not '
                    f'among the categories {sorted(categories)}')
            if cat_id not in self.cat2label or ann.get('ignore', False):
                continue
            box = ann.get('bbox')
            if not (isinstance(box, (list, tuple)) and len(box) == 4):
                raise InvalidDataError(
                    where, f'bad bbox {box!r} (expected '
                    '[x, y, width, height])')
            if not all(_is_number(v) for v in box):
                raise InvalidDataError(
                    where, f'bad bbox {box!r}: non-numeric values')
            if not all(math.isfinite(v) for v in box):
                raise InvalidDataError(
                    where, f'bad bbox {box!r}: NaN or infinite values')
            x, y, w, h = [float(v) for v in box]
            instance = dict(
                bbox=[x, y, x + w, y + h],
                bbox_label=self.cat2label[cat_id],
                ignore_flag=int(bool(ann.get('iscrowd', False))))
            if ann.get('segmentation'):
                instance['mask'] = ann['segmentation']
            instances.append(instance)
        return dict(
            img_path=img_path,
            img_id=img.get('id'),
            seg_map_path=None,
            height=size['height'],
            width=size['width'],
            ann_path=where,
            instances=instances)


def _is_number(value) -> bool:
    """An int or float (not a bool, not a numeric string)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
