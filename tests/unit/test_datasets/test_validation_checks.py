"""Header checks, truncation, check_sample and collect_invalid_samples."""
import warnings

import cv2
import numpy as np
import pytest
from PIL import Image

# yapf: disable
from defectzoo.utils.data.validation import (InvalidDataError,
                                             InvalidSampleLog, check_sample,
                                             collect_invalid_samples,
                                             read_image_checked,
                                             read_image_header,
                                             read_mask_checked)
# yapf: enable
from tests.helpers.defect_fixtures import truncate


def _png(path, array):
    cv2.imwrite(str(path), array)
    return str(path)


def test_read_image_header_modes(tmp_path):
    gray16 = _png(tmp_path / 'a.png', np.full((5, 7), 4000, np.uint16))
    assert read_image_header(gray16) == (5, 7)
    with pytest.raises(InvalidDataError, match='unexpected bit depth'):
        read_image_header(gray16, allowed_depths=(np.uint8, ))
    rgb = _png(tmp_path / 'b.jpg', np.zeros((6, 4, 3), np.uint8))
    assert read_image_header(rgb, allowed_channels=(3, )) == (6, 4)
    la = str(tmp_path / 'c.png')
    Image.new('LA', (3, 3)).save(la)
    with pytest.raises(InvalidDataError, match='unexpected mode: 2 chan'):
        read_image_header(la)
    tif = str(tmp_path / 'd.tif')
    Image.fromarray(np.zeros((4, 4), np.float32)).save(tif)
    with pytest.raises(InvalidDataError, match='dtype float32'):
        read_image_header(tif)
    palette = str(tmp_path / 'e.png')
    Image.new('P', (3, 2)).save(palette)
    assert read_image_header(palette, allowed_channels=(3, )) == (2, 3)
    assert read_image_header(
        palette, allowed_channels=(1, ), palette_channels=1) == (2, 3)
    assert read_mask_checked(palette).shape == (2, 3)


def test_truncation_detected(tmp_path):
    jpg = _png(tmp_path / 'a.jpg',
               np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8))
    png = _png(tmp_path / 'b.png', np.zeros((64, 64), np.uint8))
    truncate(jpg)
    truncate(png, 0.9)
    # OpenCV alone decodes the cut JPEG without complaint
    assert cv2.imread(jpg) is not None
    for read in (read_image_header, read_image_checked):
        with pytest.raises(InvalidDataError, match='JPEG end-of-image'):
            read(jpg)
        with pytest.raises(InvalidDataError, match='PNG IEND'):
            read(png)


def test_not_an_image(tmp_path):
    path = tmp_path / 'x.png'
    path.write_bytes(b'GIF? no, plain text')
    with pytest.raises(InvalidDataError, match='unreadable image'):
        read_image_header(str(path))
    with pytest.raises(InvalidDataError, match='missing mask file'):
        read_image_header(str(tmp_path / 'nope.png'), what='mask file')


def test_check_sample(tmp_path):
    img = _png(tmp_path / 'i.png', np.zeros((10, 20), np.uint8))
    mask = _png(tmp_path / 'm.png', np.zeros((10, 20), np.uint8))
    info = dict(
        img_path=img,
        seg_map_path=mask,
        height=10,
        width=20,
        instances=[dict(bbox=[0, 0, 20, 10])])
    for mode in ('none', 'header', 'full'):
        assert check_sample(info, mode) == (10, 20)
    bad = dict(info, instances=[dict(bbox=[0, 0, 25, 10])], ann_path='a.xml')
    with pytest.raises(InvalidDataError) as error:
        check_sample(bad, 'none')
    assert error.value.path == 'a.xml' and 'outside' in error.value.problem
    with pytest.raises(InvalidDataError, match='annotated image size 30x10'):
        check_sample(dict(info, width=30), 'header')
    # no declared size: the header's size is used for the boxes
    nosize = dict(bad, height=None, width=None)
    assert check_sample(dict(nosize, instances=[]), 'none') is None
    with pytest.raises(InvalidDataError, match='outside'):
        check_sample(nosize, 'header')


def test_collect_invalid_samples():
    log = InvalidSampleLog('X', skip_invalid=True)
    with collect_invalid_samples() as errors:
        log.record(InvalidDataError('a.png', 'bad'))
        with collect_invalid_samples() as inner:
            log.record(InvalidDataError('b.png', 'worse'))
    log.record(InvalidDataError('c.png', 'ignored by the collectors'))
    assert [e.path for e in errors] == ['a.png', 'b.png']
    assert [e.path for e in inner] == ['b.png']
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert 'skipped 3 invalid' in log.summary()
    assert len(caught) == 1
    strict = InvalidSampleLog('Y')
    with collect_invalid_samples() as errors, pytest.raises(InvalidDataError):
        strict.record(InvalidDataError('d.png', 'raised, not collected'))
    assert errors == []
