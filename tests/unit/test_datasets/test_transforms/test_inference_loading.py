"""LoadInferenceImage: a path through the config's loader, an array the
same way in memory (8/16-bit, grey / colour, X-ray windowing)."""
import cv2
import numpy as np
import pytest

from defectzoo.datasets.transforms import LoadInferenceImage
from defectzoo.utils.data.validation import InvalidDataError


def test_path_and_array_give_the_same_image(tmp_path):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (20, 30, 3), np.uint8)
    path = str(tmp_path / 'a.png')
    cv2.imwrite(path, img)
    t = LoadInferenceImage(dict(type='LoadImageChecked'))
    from_file = t(dict(img_path=path))
    from_array = t(dict(img=img, img_path='a'))
    np.testing.assert_array_equal(from_file['img'], from_array['img'])
    assert from_array['ori_shape'] == (20, 30)
    grey = t(dict(img=img[..., 0], img_path='g'))['img']
    assert grey.shape == (20, 30, 3) and (grey[..., 1] == img[..., 0]).all()


def test_16bit_array_stretched_to_8bit():
    raw = np.array([[1000, 2000], [3000, 5000]], np.uint16)
    out = LoadInferenceImage()(dict(img=raw))['img']
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[..., 0], [[0, 64], [128, 255]])


def test_xray_loader_windows_arrays_like_files(tmp_path):
    raw = np.linspace(0, 60000, 64, dtype=np.uint16).reshape(8, 8)
    path = str(tmp_path / 'x.png')
    cv2.imwrite(path, raw)
    t = LoadInferenceImage(dict(type='LoadXRayImage', percentiles=(1, 99)))
    from_file = t(dict(img_path=path))
    from_array = t(dict(img=raw, img_path='x'))
    np.testing.assert_array_equal(from_file['img'], from_array['img'])
    assert from_array['xray_window'] == from_file['xray_window']


def test_bad_arrays_named():
    t = LoadInferenceImage()
    with pytest.raises(InvalidDataError, match='not an image array'):
        t(dict(img=np.zeros((0, 3), np.uint8), img_path='empty'))
    with pytest.raises(InvalidDataError, match='bit depth'):
        t(dict(img=np.zeros((4, 4), np.int64), img_path='int64'))
