"""Sliced detection of large images: windows, merging, and the detector
inferencer with ``tile`` / ``overlap`` on a stand-in detector."""
import pytest
import torch
from mmengine.structures import InstanceData

from defectzoo.apis import (DefectAuxNetInferencer, DefectDetInferencer,
                            init_inferencer)
from defectzoo.apis.slicing import (TilingError, check_tiling, merge_tiles,
                                    nms_settings, tile_windows)
from defectzoo.datasets.transforms.loading import LoadXRayImage
from tests.helpers.tiny_models import DEFECTS, make_model, radiograph


def instances(boxes, masks=None):
    out = InstanceData(
        bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        scores=torch.full((len(boxes), ), 0.9),
        labels=torch.zeros(len(boxes), dtype=torch.long))
    if masks is not None:
        out.masks = masks
    return out


@pytest.fixture(scope='module')
def blob_model(tmp_path_factory):
    return make_model(tmp_path_factory.mktemp('blob'), 'blob')


def test_tile_windows():
    assert tile_windows(200, 300, 128, 32) == [(0, 0, 128, 128),
                                               (96, 0, 224, 128),
                                               (172, 0, 300, 128),
                                               (0, 72, 128, 200),
                                               (96, 72, 224, 200),
                                               (172, 72, 300, 200)]
    assert tile_windows(100, 128, 128, 0) == [(0, 0, 128, 100)]
    # the last window is shifted back: all full size
    wins = tile_windows(1000, 700, 256, 50)
    assert {(x1 - x0, y1 - y0) for x0, y0, x1, y1 in wins} == {(256, 256)}
    assert max(w[2] for w in wins) == 700 and max(w[3] for w in wins) == 1000


@pytest.mark.parametrize('tile, overlap, msg', [
    (0, 0, 'tile must be an integer >= 32'),
    (31, 0, 'tile must be an integer >= 32'),
    (64.0, 0, 'tile must be an integer >= 32'),
    (128, 128, 'overlap must be an integer in 0..127'),
    (128, -1, 'overlap must be an integer in 0..127'),
])
def test_check_tiling_refusals(tile, overlap, msg):
    with pytest.raises(TilingError, match=msg):
        check_tiling(tile, overlap)
    check_tiling(32, 31)


def test_nms_settings():
    assert nms_settings(
        dict(nms=dict(type='nms', iou_threshold=0.45),
             max_per_img=7)) == (0.45, 7)
    assert nms_settings(
        dict(rpn=dict(),
             rcnn=dict(nms=dict(iou_threshold=0.3)))) == (0.3, None)
    assert nms_settings(None) == (0.6, None)


def test_merge_keeps_cut_box_only_without_a_fuller_view():
    """A defect at x 120-150 across the first window's edge (x = 128): its
    sliver (IoU 0.27 < NMS 0.5) goes when the next window found it whole,
    stays when that window found nothing. Masks are pasted."""
    wins = [(0, 0, 128, 128), (96, 0, 224, 128)]
    masks = torch.zeros(1, 128, 128, dtype=torch.bool)
    masks[0, 30:50, 24:54] = True
    merged = merge_tiles([
        instances([[120, 30, 128, 50]],
                  torch.ones(1, 128, 128).bool()),
        instances([[24, 30, 54, 50]], masks)
    ], wins, 128, 224, 0.5)
    assert merged.bboxes.tolist() == [[120, 30, 150, 50]]
    assert merged.masks.shape == (1, 128, 224)
    assert merged.masks[0, 30:50, 120:150].all()
    assert int(merged.masks.sum()) == 600
    alone = merge_tiles([instances([[120, 30, 128, 50]]),
                         instances([])], wins, 128, 224, 0.5)
    assert alone.bboxes.tolist() == [[120, 30, 128, 50]]
    many = merge_tiles([
        instances([[i, 0, i + 4, 4] for i in range(0, 100, 10)]),
        instances([])
    ],
                       wins,
                       128,
                       224,
                       0.5,
                       max_per_img=3)
    assert len(many) == 3


def test_sliced_detector_finds_each_defect_once(blob_model):
    """300x200 radiograph, 128 px tiles, 32 px overlap: each defect once,
    in image coordinates; windowing from the whole image."""
    cfg, ckpt = blob_model
    img = radiograph()
    inf = init_inferencer(cfg, ckpt, tile=128, overlap=32)
    assert isinstance(inf, DefectDetInferencer)
    out = inf.run([img], batch_size=4, show_progress=False)
    (pred, ) = out['predictions']
    assert sorted(tuple(b['bbox']) for b in pred['boxes']) == sorted(
        tuple(map(float, d)) for d in DEFECTS)
    assert pred['tiles'] == 6 and pred['verdict'] == 'defect'
    # six full windows, enlarged 2x by the pipeline, 4 per forward pass
    assert [tuple(b.shape) for b in inf.model.seen] == [(4, 3, 256, 256),
                                                        (2, 3, 256, 256)]
    whole = LoadXRayImage(percentiles=(1, 99)).from_array(img, 'x', {})
    assert {m['xray_window']
            for batch in inf.model.seen_meta
            for m in batch} == {whole['xray_window']}
    first = inf.model.seen[0][0, 0, ::2, ::2]  # window (0, 0), 1x
    assert torch.equal(first.byte(),
                       torch.from_numpy(whole['img'][:128, :128, 0]))
    # the same boxes as the whole image at once (the stand-in sees all)
    untiled = init_inferencer(cfg, ckpt).run([img], show_progress=False)
    assert sorted(b['bbox'] for b in pred['boxes']) == sorted(
        b['bbox'] for b in untiled['predictions'][0]['boxes'])


def test_image_no_larger_than_tile_runs_whole(blob_model):
    cfg, ckpt = blob_model
    img = radiograph(120, 100, [(10, 20, 30, 40)])
    inf = init_inferencer(cfg, ckpt, tile=128, overlap=32)
    (pred, ) = inf.run([img], show_progress=False)['predictions']
    assert [tuple(b.shape) for b in inf.model.seen] == [(1, 3, 200, 240)]
    assert pred['tiles'] == 1
    assert [b['bbox'] for b in pred['boxes']] == [[10.0, 20.0, 30.0, 40.0]]


def test_tiling_refused(blob_model, tmp_path):
    cfg, ckpt = blob_model
    with pytest.raises(TilingError, match='>= 32'):
        init_inferencer(cfg, ckpt, tile=16)
    cls_cfg, cls_ckpt = make_model(tmp_path, 'cls')
    with pytest.raises(TilingError, match='for detectors'):
        init_inferencer(cls_cfg, cls_ckpt, tile=128)
    with pytest.raises(TilingError, match='does not support'):
        DefectAuxNetInferencer('unused.py', tile=128)
