"""LoadXRayImage: bit depths, windowing maths, modes and error cases."""
import cv2
import numpy as np
import pytest

from defectzoo.datasets.transforms.loading import (LoadXRayImage,
                                                   window_to_uint8)
from defectzoo.utils.data.validation import InvalidDataError


def _write(tmp_path, name, arr):
    path = str(tmp_path / name)
    assert cv2.imwrite(path, arr)
    return path


def _load(path, **kwargs):
    return LoadXRayImage(**kwargs)(dict(img_path=path))


# 16-bit ramp 1000, 1004, ..., 2020: min-max maps 1000 + 4k exactly to k.
RAMP16 = (1000 + 4 * np.arange(256, dtype=np.uint16)).reshape(16, 16)


def test_window_maths():
    x = np.array([[999, 1000, 1001, 1003], [1510, 2020, 2021, 65535]],
                 np.uint16)
    np.testing.assert_array_equal(
        window_to_uint8(x, 1000, 2020),
        # (x - 1000) * 255 / 1020 = x / 4: -0.25 .. 0.25 0.75 127.5->128
        [[0, 0, 0, 1], [128, 255, 255, 255]])
    assert not window_to_uint8(x, 5, 5).any()


def test_8bit_passes_through(tmp_path):
    gray = np.arange(64, dtype=np.uint8).reshape(8, 8) * 4
    path = _write(tmp_path, 'g8.png', gray)
    out = _load(path)
    assert out['img'].shape == (8, 8, 3) and out['img'].dtype == np.uint8
    for c in range(3):
        np.testing.assert_array_equal(out['img'][..., c], gray)
    assert out['img_shape'] == out['ori_shape'] == (8, 8)
    assert out['xray_window'] == (0.0, 255.0)
    one = _load(path, to_rgb=False, to_float32=True)
    assert one['img'].shape == (8, 8) and one['img'].dtype == np.float32
    # an 8-bit window stretches too
    np.testing.assert_array_equal(
        _load(path, window=(0, 127.5), to_rgb=False)['img'],
        np.clip(gray.astype(int) * 2, 0, 255))


@pytest.mark.parametrize('ext', ['.png', '.tif'])
def test_16bit_default_min_max(tmp_path, ext):
    path = _write(tmp_path, 'r16' + ext, RAMP16)
    out = _load(path, to_rgb=False, keep_raw=True)
    np.testing.assert_array_equal(out['img'], np.arange(256).reshape(16, 16))
    assert out['xray_window'] == (1000.0, 2020.0)
    assert out['img_raw'].dtype == np.uint16
    np.testing.assert_array_equal(out['img_raw'], RAMP16)


def test_16bit_fixed_window_and_percentiles(tmp_path):
    path = _write(tmp_path, 'r16.png', RAMP16)
    fixed = _load(path, window=(1000, 1510), to_rgb=False)['img']
    # (x - 1000) * 255 / 510 = 2k, clipped at 255
    np.testing.assert_array_equal(
        fixed,
        np.minimum(2 * np.arange(256), 255).reshape(16, 16))
    # values 0, 100, ..., 10000 -> 10th / 90th percentiles are 1000 / 9000
    vals = (100 * np.arange(101, dtype=np.uint16))
    path = _write(tmp_path, 'p16.png', np.tile(vals, (2, 1)))
    out = _load(path, percentiles=(10, 90), to_rgb=False)
    assert out['xray_window'] == pytest.approx((1000.0, 9000.0))
    row = out['img'][0]
    assert row[0] == row[10] == 0 and row[90] == row[100] == 255
    assert row[30] == 64  # 2000 * 255 / 8000 = 63.75


def test_equal_channel_rgb_and_alpha_are_gray(tmp_path):
    gray = (np.arange(64, dtype=np.uint8) * 3).reshape(8, 8)
    for name, arr in [('rgb.png', np.dstack([gray] * 3)),
                      ('rgba.png', np.dstack([gray] * 3 + [gray * 0 + 9])),
                      ('rgb16.tif', np.dstack([RAMP16] * 3))]:
        out = _load(_write(tmp_path, name, arr), to_rgb=False)
        ref = gray if arr.dtype == np.uint8 else np.arange(256).reshape(16, 16)
        np.testing.assert_array_equal(out['img'], ref)


def test_true_colour(tmp_path):
    colour = np.zeros((4, 4, 3), np.uint8)
    colour[..., 2] = 200  # red
    path = _write(tmp_path, 'red.png', colour)
    with pytest.raises(InvalidDataError, match='true-colour') as e:
        _load(path)
    assert e.value.path == path
    out = _load(path, allow_color=True, to_rgb=False)
    np.testing.assert_array_equal(out['img'],
                                  cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY))


def test_float_needs_window(tmp_path):
    arr = np.linspace(-1, 1, 64, dtype=np.float32).reshape(8, 8)
    path = _write(tmp_path, 'f32.tif', arr)
    with pytest.raises(InvalidDataError, match='bit depth.*window'):
        _load(path)
    out = _load(path, window=(-1, 1), to_rgb=False)
    np.testing.assert_array_equal(out['img'][0, 0], 0)
    np.testing.assert_array_equal(out['img'][-1, -1], 255)


def test_file_errors(tmp_path):
    with pytest.raises(InvalidDataError, match='missing'):
        _load(str(tmp_path / 'nope.png'))
    empty = tmp_path / 'empty.png'
    empty.write_bytes(b'')
    with pytest.raises(InvalidDataError, match='empty'):
        _load(str(empty))
    for name in ('cut.png', 'cut.tif'):
        full = open(_write(tmp_path, 'full' + name[-4:], RAMP16), 'rb').read()
        (tmp_path / name).write_bytes(full[:len(full) // 2])
        with pytest.raises(InvalidDataError) as e:
            _load(str(tmp_path / name))
        assert e.value.path.endswith(name)
    text = tmp_path / 'notes.png'
    text.write_text('not an image at all')
    with pytest.raises(InvalidDataError):
        _load(str(text))


def test_bad_arguments_and_registry():
    from mmengine.registry import DefaultScope

    from defectzoo.registry import TRANSFORMS
    with pytest.raises(ValueError, match='not both'):
        LoadXRayImage(window=(0, 1), percentiles=(1, 99))
    with pytest.raises(ValueError, match='low < high'):
        LoadXRayImage(window=(5, 5))
    with pytest.raises(ValueError, match='percentiles'):
        LoadXRayImage(percentiles=(99, 1))
    with DefaultScope.overwrite_default_scope('defectzoo'):
        t = TRANSFORMS.build(dict(type='LoadXRayImage', percentiles=(1, 99)))
    assert isinstance(t, LoadXRayImage) and 'percentiles=(1, 99)' in repr(t)
