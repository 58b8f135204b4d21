"""ImageFolderClsDataset: folder-per-class, classes by folder name."""
import os
import os.path as osp

import pytest

from defectzoo.datasets.image_folder import ImageFolderClsDataset
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
from tests.helpers.defect_fixtures import make_image_folder


@pytest.fixture
def folder(tmp_path):
    return make_image_folder(str(tmp_path / 'cls'))


def test_folders_are_classes(folder):
    ds = ImageFolderClsDataset(data_root=folder, data_prefix='train')
    assert ds.metainfo['classes'] == ('good', 'scratch')
    assert [ds.get_data_info(i)['gt_label']
            for i in range(5)] == [0, 0, 0, 1, 1]
    # named classes map folders by name, not by sorted position
    ds = ImageFolderClsDataset(
        data_root=folder, data_prefix='train', classes=('scratch', 'good'))
    assert [ds.get_data_info(i)['gt_label']
            for i in range(5)] == [1, 1, 1, 0, 0]


def test_unknown_folder_and_label(folder, tmp_path):
    with pytest.raises(InvalidDataError) as info:
        ImageFolderClsDataset(
            data_root=folder, data_prefix='train', classes=('good', ))
    assert info.value.path == osp.join(folder, 'train', 'scratch')
    assert "unknown class 'scratch'" in info.value.problem
    ann = tmp_path / 'ann.txt'
    ann.write_text('good/0.png 0\nscratch/1.png 5\n')
    with pytest.raises(InvalidDataError, match='unknown class index 5'):
        ImageFolderClsDataset(
            data_root=folder,
            data_prefix='train',
            ann_file=str(ann),
            classes=('good', 'scratch'))


def test_image_folder_config(folder):
    ds = build_dataset(
        base_dataset_cfg('image_folder_cls.py', data_root=folder))
    assert len(ds) == 5 and ds[4]['data_samples'].gt_label.item() == 1
    os.remove(osp.join(folder, 'train', 'good', '0.png'))
    assert len(
        build_dataset(
            base_dataset_cfg('image_folder_cls.py', data_root=folder))) == 4
