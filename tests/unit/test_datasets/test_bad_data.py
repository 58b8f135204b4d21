"""Every kind of bad data gives an InvalidDataError naming the file and the
problem at load time, or is skipped and counted with ``skip_invalid``."""
import os
import os.path as osp
import warnings

import cv2
import numpy as np
import pytest

from defectzoo.datasets.magnetic_tile import MagneticTileSegDataset
from defectzoo.datasets.neu import NEUClsDataset, NEUDetDataset
from defectzoo.utils.data.validation import InvalidDataError
from tests.helpers.defect_fixtures import (SIZE, make_magnetic_tile, make_neu,
                                           truncate, write_voc_xml)

IMG = 'IMAGES/crazing_1.jpg'
XML = 'ANNOTATIONS/crazing_1.xml'
MASK = 'MT_Crack/Imgs/exp1_num_20.png'


def _write(root, rel, content: bytes):
    with open(osp.join(root, rel), 'wb') as f:
        f.write(content)


def _xml(root, objects, size=(SIZE, SIZE)):
    write_voc_xml(osp.join(root, XML), 'crazing_1.jpg', size, objects)


def _replace_image(root, img):
    os.remove(osp.join(root, IMG))
    cv2.imwrite(osp.join(root, IMG[:-4] + '.png'), img)


CASES = [
    # id, dataset, file named, problem, how to break the fixture
    ('unreadable image', 'det', IMG, 'unreadable image',
     lambda r: _write(r, IMG, b'this is not an image, just text' * 10)),
    ('truncated jpeg', 'cls', IMG,
     'truncated image: JPEG end-of-image marker missing',
     lambda r: truncate(osp.join(r, IMG))),
    ('empty image', 'cls', IMG, 'empty image file (0 bytes)',
     lambda r: _write(r, IMG, b'')),
    ('16-bit image', 'cls', IMG[:-4] + '.png',
     "unexpected bit depth: dtype uint16, expected one of ['uint8']",
     lambda r: _replace_image(r, np.full((SIZE, SIZE), 999, np.uint16))),
    ('RGBA image', 'det', IMG[:-4] + '.png',
     'unexpected mode: 4 channels, expected [1, 3]',
     lambda r: _replace_image(r, np.zeros((SIZE, SIZE, 4), np.uint8))),
    ('box outside', 'det', XML, 'box outside the image: [1.0, 2.0, 39.0',
     lambda r: _xml(r, [('crazing', (2, 3, 40, 15))])),
    ('zero-area box', 'det', XML, 'zero-area box',
     lambda r: _xml(r, [('crazing', (5, 3, 5, 15))])),
    ('non-numeric box', 'det', XML, "bad box: <xmax> is 'x'",
     lambda r: _xml(r, [('crazing', (5, 3, 'x', 15))])),
    ('unknown box class', 'det', XML, "unknown class 'crack'",
     lambda r: _xml(r, [('crack', (2, 3, 12, 15))])),
    ('unknown file-name class', 'cls', 'IMAGES/crack_1.jpg',
     "unknown class: file name 'crack_1'", lambda r: cv2.imwrite(
         osp.join(r, 'IMAGES/crack_1.jpg'), np.zeros((SIZE, SIZE), np.uint8))),
    ('empty annotation file', 'det', XML, 'empty annotation file',
     lambda r: _write(r, XML, b'  \n')),
    ('annotation without objects', 'det', XML, 'annotation has no objects',
     lambda r: _xml(r, [])),
    ('malformed xml', 'det', XML, 'malformed XML',
     lambda r: _write(r, XML, b'<annotation><object>')),
    ('missing annotation', 'det', XML, 'missing annotation file',
     lambda r: os.remove(osp.join(r, XML))),
    ('annotated size differs', 'det', XML,
     'annotated image size 30x30 differs from the size of',
     lambda r: _xml(r, [('crazing', (2, 3, 12, 15))], size=(30, 30))),
]


def _build(kind, root, **kwargs):
    cls = NEUDetDataset if kind == 'det' else NEUClsDataset
    return cls(data_root=root, **kwargs)


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_neu_bad_data(tmp_path, case):
    _, kind, rel, problem, breaker = case
    root = make_neu(str(tmp_path / 'neu'))
    breaker(root)
    with pytest.raises(InvalidDataError) as info:
        _build(kind, root)
    assert info.value.path == osp.join(root, rel)
    assert problem in info.value.problem
    assert str(info.value).startswith(osp.join(root, rel) + ': ')

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ds = _build(kind, root, skip_invalid=True)
    summaries = [w for w in caught if 'invalid sample' in str(w.message)]
    assert len(summaries) == 1
    assert 'skipped 1 invalid sample(s)' in str(summaries[0].message)
    assert len(ds.invalid_samples) == 1
    expected = 12 if rel.endswith('crack_1.jpg') else 11
    assert len(ds) == expected


def test_missing_image_named_in_split_file(tmp_path):
    root = make_neu(str(tmp_path / 'neu'))
    split = tmp_path / 'ids.txt'
    split.write_text('crazing_1\ncrazing_9\n')
    with pytest.raises(InvalidDataError) as info:  # neither XML nor image
        NEUDetDataset(data_root=root, ann_file=str(split))
    assert info.value.path == osp.join(root, 'ANNOTATIONS', 'crazing_9.xml')
    os.link(osp.join(root, XML), osp.join(root, 'ANNOTATIONS/crazing_9.xml'))
    with pytest.raises(InvalidDataError) as info:
        NEUDetDataset(data_root=root, ann_file=str(split))
    assert info.value.path == osp.join(root, 'IMAGES', 'crazing_9.jpg')
    assert info.value.problem == 'missing image file'
    with pytest.warns(UserWarning, match='1 x missing image file'):
        ds = NEUClsDataset(
            data_root=root, ann_file=str(split), skip_invalid=True)
    assert len(ds) == 1


def test_many_problems_one_summary(tmp_path):
    root = make_neu(str(tmp_path / 'neu'))
    truncate(osp.join(root, IMG))
    _write(root, 'IMAGES/scratches_2.jpg', b'')
    _write(root, 'ANNOTATIONS/patches_1.xml', b'')
    with pytest.warns(UserWarning) as caught:
        ds = NEUDetDataset(data_root=root, skip_invalid=True)
    assert len(caught) == 1 and len(ds) == 9
    message = str(caught[0].message)
    assert 'NEUDetDataset: skipped 3 invalid sample(s)' in message
    assert '1 x empty annotation file' in message
    assert {e.path
            for e in ds.invalid_samples} == {
                osp.join(root, IMG),
                osp.join(root, 'IMAGES/scratches_2.jpg'),
                osp.join(root, 'ANNOTATIONS/patches_1.xml')
            }


MASK_CASES = [
    ('mask size differs', 'mask size 10x12 differs from image size 32x24',
     lambda p: cv2.imwrite(p, np.zeros((12, 10), np.uint8))),
    ('missing mask', 'missing mask file', os.remove),
    ('RGB mask', 'unexpected mode: 3 channels, expected [1]',
     lambda p: cv2.imwrite(p, np.zeros((SIZE, SIZE + 8, 3), np.uint8))),
    ('truncated mask', 'truncated image: PNG IEND chunk missing',
     lambda p: truncate(p, 0.8)),
]


@pytest.mark.parametrize('case', MASK_CASES, ids=[c[0] for c in MASK_CASES])
def test_mask_bad_data(tmp_path, case):
    _, problem, breaker = case
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    path = osp.join(root, MASK)
    breaker(path)
    # check_empty_masks=False: the header checks alone find it at load time
    with pytest.raises(InvalidDataError) as info:
        MagneticTileSegDataset(data_root=root, check_empty_masks=False)
    assert info.value.path == path and problem in info.value.problem
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        ds = MagneticTileSegDataset(data_root=root, skip_invalid=True)
    assert len(ds) == 9


def test_unknown_magnetic_tile_folder(tmp_path):
    root = make_magnetic_tile(str(tmp_path / 'mt'))
    os.makedirs(osp.join(root, 'MT_Scratch', 'Imgs'))
    with pytest.raises(InvalidDataError, match="unknown class 'Scratch'"):
        MagneticTileSegDataset(data_root=root)
    with pytest.warns(UserWarning, match='skipped 1 invalid'):
        assert len(MagneticTileSegDataset(data_root=root,
                                          skip_invalid=True)) == 10


def test_check_images_modes(tmp_path):
    root = make_neu(str(tmp_path / 'neu'))
    truncate(osp.join(root, IMG))
    # 'none' only looks for the files: the pipeline's LoadImageChecked or
    # check_dataset.py find the truncation later
    assert len(NEUClsDataset(data_root=root, check_images='none')) == 12
    for mode in ('header', 'full'):
        with pytest.raises(InvalidDataError, match='truncated'):
            NEUClsDataset(data_root=root, check_images=mode)
    with pytest.raises(ValueError, match='check_images'):
        NEUClsDataset(data_root=root, check_images='all')
