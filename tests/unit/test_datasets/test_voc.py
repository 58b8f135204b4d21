"""VOCDetDataset: any VOC layout, ids from a file or by listing."""
import os
import os.path as osp

import cv2
import pytest

from defectzoo.datasets.voc import VOCDetDataset
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.defect_fixtures import SIZE, gray_image, write_voc_xml

CLASSES = ('crack', 'spot')


@pytest.fixture
def voc(tmp_path):
    root = str(tmp_path / 'voc')
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        os.makedirs(osp.join(root, sub))
    for i, objects in enumerate([[('crack', (1, 1, 10, 10))],
                                 [('spot', (5, 5, 8, 9)),
                                  ('crack', (2, 2, 20, 24))], []]):
        cv2.imwrite(
            osp.join(root, 'JPEGImages', f'{i:03d}.jpg'), gray_image(i))
        write_voc_xml(
            osp.join(root, 'Annotations', f'{i:03d}.xml'), f'{i:03d}.jpg',
            (SIZE, SIZE), objects)
    with open(osp.join(root, 'ImageSets/Main/train.txt'), 'w') as f:
        f.write('000\n002\n')
    return root


def test_listing_and_id_file(voc):
    ds = VOCDetDataset(data_root=voc, metainfo=dict(classes=CLASSES))
    assert len(ds) == 3
    info = ds.get_data_info(1)
    assert [(i['bbox'], i['bbox_label'])
            for i in info['instances']] == [([4, 4, 7, 8], 1),
                                            ([1, 1, 19, 23], 0)]
    assert ds.get_data_info(2)['instances'] == []  # negative image
    ds = VOCDetDataset(
        data_root=voc,
        ann_file='ImageSets/Main/train.txt',
        metainfo=dict(classes=CLASSES))
    assert [ds.get_data_info(i)['img_id'] for i in range(2)] == ['000', '002']


def test_unknown_class_error_or_ignore(voc):
    with pytest.raises(InvalidDataError, match="unknown class 'spot'"):
        VOCDetDataset(data_root=voc, metainfo=dict(classes=('crack', )))
    ds = VOCDetDataset(
        data_root=voc,
        metainfo=dict(classes=('crack', )),
        unknown_classes='ignore')
    assert [len(ds.get_data_info(i)['instances'])
            for i in range(3)] == [1, 1, 0]


def test_no_objects_error_when_not_allowed(voc):
    with pytest.raises(InvalidDataError, match='annotation has no objects'):
        VOCDetDataset(
            data_root=voc, metainfo=dict(classes=CLASSES), allow_empty=False)


def test_size_missing_is_read_from_the_image(voc):
    xml = osp.join(voc, 'Annotations', '000.xml')
    with open(xml) as f:
        text = f.read()
    with open(xml, 'w') as f:
        f.write(text.replace('<width>24</width><height>24</height>', ''))
    for mode in ('none', 'header', 'full'):
        ds = VOCDetDataset(
            data_root=voc, metainfo=dict(classes=CLASSES), check_images=mode)
        assert (ds.get_data_info(0)['height'],
                ds.get_data_info(0)['width']) == (SIZE, SIZE)


def test_voc_config(voc):
    from tests.helpers.dataset_files import base_dataset_cfg, build_dataset
    ds = build_dataset(
        base_dataset_cfg(
            'voc_det.py', data_root=voc, metainfo=dict(classes=CLASSES)))
    assert len(ds) == 1  # train ids 000, 002; 002 has no box (filtered)
    assert len(ds[0]['data_samples'].gt_instances) == 1
