"""Folder-per-class image classification, validated.

mmpretrain's ``CustomDataset`` already reads ``<root>/<class>/<image>``;
:class:`ImageFolderClsDataset` adds the bad-data checks and, when
``metainfo`` names the classes, maps folders to classes by name (a folder
that is not a class is an error) instead of by sorted position.
"""
import os
import os.path as osp
from typing import List

from mmengine.fileio import list_from_file
from mmpretrain.datasets import CustomDataset

from defectzoo.registry import DATASETS
from ..utils.data.splits import natural_key
from ..utils.data.validation import InvalidDataError, check_file_exists
from .validated_dataset import ValidatedDatasetMixin


@DATASETS.register_module()
class ImageFolderClsDataset(ValidatedDatasetMixin, CustomDataset):
    """``<data_root>/<data_prefix>/<class>/**/<image>`` or an annotation
    file of ``<relative path> <label>`` lines.

    Args:
        skip_invalid: skip bad images with one summary warning.
        check_images: ``'none'`` | ``'header'`` | ``'full'``.
        **kwargs: :class:`mmpretrain.datasets.CustomDataset` arguments
            (``data_root``, ``data_prefix``, ``ann_file``, ``metainfo``,
            ``extensions``, ``pipeline`` ...). ``with_label=False`` is not
            supported (use ``CustomDataset``).
    """

    def __init__(self,
                 *args,
                 skip_invalid: bool = False,
                 check_images: str = 'header',
                 **kwargs):
        self._init_validation(skip_invalid, check_images)
        if not kwargs.get('with_label', True):
            raise ValueError('ImageFolderClsDataset needs labels; use '
                             'mmpretrain.CustomDataset with with_label=False')
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        log = self._new_log()
        if self.ann_file:
            items = self._from_ann_file()
        else:
            items = self._from_folders(log)
        classes = self.CLASSES

        def parse(item):
            rel_path, label, where = item
            if not 0 <= label < len(classes):
                raise InvalidDataError(
                    where, f'unknown class index {label} for {rel_path!r}; '
                    f'{len(classes)} classes {list(classes)}')
            return dict(
                img_path=osp.join(self.img_prefix, rel_path), gt_label=label)

        return self._parse_all(items, parse, log)

    def _from_ann_file(self):
        check_file_exists(self.ann_file, 'annotation file')
        lines = [ln.strip() for ln in list_from_file(self.ann_file)]
        lines = [ln for ln in lines if ln]
        if not lines:
            raise InvalidDataError(self.ann_file, 'empty annotation file')
        if not self.CLASSES:
            raise ValueError('an annotation file of labels needs '
                             'metainfo=dict(classes=...)')
        items = []
        for line_no, line in enumerate(lines, 1):
            parts = line.rsplit(' ', 1)
            where = f'{self.ann_file}:{line_no}'
            try:
                items.append((parts[0], int(parts[1]), where))
            except (IndexError, ValueError):
                items.append((line, -1, where))
        return items

    def _from_folders(self, log):
        root = self.img_prefix
        if not osp.isdir(root):
            raise InvalidDataError(root, 'missing image folder')
        folders = sorted(
            d for d in os.listdir(root) if osp.isdir(osp.join(root, d)))
        if not folders:
            raise InvalidDataError(
                root, 'no class sub-folders (expected '
                f'{osp.join(root, "<class>", "<image>")})')
        classes = self.CLASSES
        if not classes:
            classes = tuple(folders)
            self._metainfo['classes'] = classes
        items = []
        for folder in folders:
            if folder not in classes:
                log.record(
                    InvalidDataError(
                        osp.join(root, folder), f'unknown class {folder!r} '
                        f'(folder); known classes: {list(classes)}'))
                continue
            label = list(classes).index(folder)
            for dirpath, _, files in sorted(os.walk(osp.join(root, folder))):
                for file in sorted(files, key=natural_key):
                    if self.is_valid_file(file):
                        rel = osp.relpath(osp.join(dirpath, file), root)
                        items.append((rel, label, osp.join(root, rel)))
        if not items:
            raise InvalidDataError(
                root, f'no images with extensions {self.extensions} in '
                'class folders')
        return items
