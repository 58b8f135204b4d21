"""RandomRot90: exact quarter turns of the image and its mask, uniform
draws, non-square shapes, prob and argument checks, use in a pipeline."""
import collections

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

from defectzoo.datasets.transforms.rot90 import RandomRot90
from defectzoo.registry import TRANSFORMS


def sample(h=4, w=6, channels=3, seg=True):
    img = np.arange(h * w * channels, dtype=np.uint8).reshape(h, w, channels)
    results = dict(img=img, img_shape=(h, w), ori_shape=(h, w))
    if seg:
        results['gt_seg_map'] = np.arange(h * w, dtype=np.uint8).reshape(h, w)
    return results


@pytest.mark.parametrize('k', [0, 1, 2, 3])
def test_exact_rotation_of_image_and_mask(k):
    src = sample()
    out = RandomRot90(ks=(k, ))(sample())
    assert out['rot90_k'] == k
    np.testing.assert_array_equal(out['img'], np.rot90(src['img'], k))
    np.testing.assert_array_equal(out['gt_seg_map'],
                                  np.rot90(src['gt_seg_map'], k))
    # the pixel and its label stay together
    np.testing.assert_array_equal(out['img'][..., 0] // 3, out['gt_seg_map'])
    # non-square: a quarter turn swaps height and width
    shape = (6, 4) if k % 2 else (4, 6)
    assert out['img'].shape == shape + (3, )
    assert out['gt_seg_map'].shape == shape
    assert tuple(out['img_shape']) == shape
    assert out['ori_shape'] == (4, 6)
    assert out['img'].flags['C_CONTIGUOUS']
    assert out['gt_seg_map'].flags['C_CONTIGUOUS']
    assert out['img'].dtype == np.uint8


def test_counter_clockwise_quarter_turn():
    img = np.array([[1, 2], [3, 4]], np.uint8)
    out = RandomRot90(ks=(1, ))(dict(img=img, img_shape=(2, 2)))
    # counter-clockwise: the right column becomes the top row
    np.testing.assert_array_equal(out['img'], [[2, 4], [1, 3]])


def test_grey_image_and_no_mask():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = RandomRot90(ks=(3, ))(dict(img=img, img_shape=(3, 4)))
    np.testing.assert_array_equal(out['img'], np.rot90(img, 3))
    assert 'gt_seg_map' not in out
    out = RandomRot90(ks=(1, ))(
        dict(img=img, img_shape=(3, 4), gt_seg_map=None))
    assert out['gt_seg_map'] is None


def test_k_is_drawn_uniformly_and_reproducibly():
    t = RandomRot90()
    np.random.seed(0)
    ks = [t(sample(seg=False))['rot90_k'] for _ in range(2000)]
    counts = collections.Counter(ks)
    assert set(counts) == {0, 1, 2, 3}
    for k in range(4):  # 500 expected each; sd ~19
        assert 420 < counts[k] < 580, counts
    np.random.seed(0)
    again = [t(sample(seg=False))['rot90_k'] for _ in range(2000)]
    assert again == ks
    # per seed: several seeds give several turns, each seed the same one
    firsts = []
    for seed in range(40):
        np.random.seed(seed)
        k = t(sample(seg=False))['rot90_k']
        np.random.seed(seed)
        assert t(sample(seg=False))['rot90_k'] == k
        firsts.append(k)
    assert set(firsts) == {0, 1, 2, 3}


def test_ks_subset_and_modulo():
    t = RandomRot90(ks=(1, 7))  # 7 quarter turns = 3
    assert t.ks == (1, 3)
    np.random.seed(1)
    assert {t(sample())['rot90_k'] for _ in range(200)} == {1, 3}
    assert repr(t) == 'RandomRot90(prob=1.0, ks=(1, 3))'


def test_prob():
    src = sample()
    t = RandomRot90(prob=0.0, ks=(1, 2, 3))
    np.random.seed(0)
    for _ in range(50):
        out = t(sample())
        assert out['rot90_k'] == 0
        np.testing.assert_array_equal(out['img'], src['img'])
        np.testing.assert_array_equal(out['gt_seg_map'], src['gt_seg_map'])
        assert out['img_shape'] == (4, 6)
    # prob 0.5 with only quarter turns: about half the samples turned
    t = RandomRot90(prob=0.5, ks=(1, ))
    np.random.seed(0)
    turned = sum(t(sample(seg=False))['rot90_k'] for _ in range(1000))
    assert 430 < turned < 570


@pytest.mark.parametrize('kwargs, match', [
    (dict(prob=-0.1), 'prob'),
    (dict(prob=1.5), 'prob'),
    (dict(ks=()), 'ks'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomRot90(**kwargs)


def test_built_from_config_in_a_pipeline():
    init_default_scope('defectzoo')
    t = TRANSFORMS.build(dict(type='RandomRot90', ks=[2]))
    assert isinstance(t, RandomRot90)
    pipeline = Compose(
        [dict(type='RandomRot90', ks=[1]),
         dict(type='mmpretrain.PackInputs')])
    out = pipeline(
        dict(img=np.zeros((5, 7, 3), np.uint8), img_shape=(5, 7), gt_label=0))
    assert tuple(out['inputs'].shape) == (3, 7, 5)


@pytest.mark.parametrize('k', [1, 2, 3])
def test_boxes_and_masks_turn_with_the_image(k):
    from mmdet.structures.bbox import HorizontalBoxes
    from mmdet.structures.mask import BitmapMasks
    img = np.zeros((40, 60, 3), np.uint8)
    img[5:12, 30:50] = 255  # rows 5-11, columns 30-49
    mask = (img[..., 0] > 0).astype(np.uint8)[None]
    results = dict(
        img=img,
        gt_bboxes=HorizontalBoxes(np.array([[30., 5., 50., 12.]])),
        gt_masks=BitmapMasks(mask, 40, 60))
    out = RandomRot90(ks=(k, ))(results)
    ys, xs = np.nonzero(out['img'][..., 0])
    expected = [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
    assert out['gt_bboxes'].tensor[0].tolist() == expected
    assert (out['gt_masks'].to_ndarray()[0] == (out['img'][..., 0] > 0)).all()
    assert out['gt_masks'].height, out['gt_masks'].width == out[
        'img'].shape[:2]
