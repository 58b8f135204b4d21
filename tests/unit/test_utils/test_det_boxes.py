"""Boxes touching the image border draw without mmengine's "out of bounds"
warnings (once per overlay before) nor NumPy's deprecation of mmdet's
``np.clip`` on tensors, and the sample keeps its boxes."""
import warnings

import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.visualization import DetLocalVisualizer
from mmengine.structures import InstanceData

from defectzoo.utils.det_boxes import clip_boxes_for_drawing


def sample(gt_boxes=torch.tensor):
    out = DetDataSample(metainfo=dict(img_shape=(40, 60)))
    # clipped predictions end on the border; one reaches past it
    out.pred_instances = InstanceData(
        bboxes=torch.tensor([[0., 0., 60., 40.], [-2., 5., 30., 45.]]),
        labels=torch.tensor([0, 1]),
        scores=torch.tensor([0.9, 0.8]))
    out.gt_instances = InstanceData(
        bboxes=gt_boxes([[10., 10., 60., 40.]]), labels=torch.tensor([1]))
    return out


def draw_warnings(data_sample, image):
    """The warnings of drawing ``data_sample`` (ground truth and
    predictions) with mmdet's visualizer."""
    vis = DetLocalVisualizer(name=f'boxes_{id(data_sample)}', line_width=1)
    vis.dataset_meta = dict(classes=('a', 'b'))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        vis.add_datasample(
            'x', image, data_sample, show=False, pred_score_thr=0.)
    return [str(w.message) for w in caught]


def test_border_boxes_draw_without_warnings():
    image = np.zeros((40, 60, 3), np.uint8)
    original = sample()
    said = draw_warnings(original, image)
    assert any('bbox is out of bounds' in m for m in said)  # x2 == width
    assert any('__array_wrap__' in m for m in said)  # np.clip(tensor)
    clipped = clip_boxes_for_drawing(original, image.shape)
    assert draw_warnings(clipped, image) == []
    boxes = clipped.pred_instances.bboxes
    assert isinstance(boxes, np.ndarray)
    np.testing.assert_allclose(boxes, [[0, 0, 60, 40], [0, 5, 30, 40]])
    assert (boxes[:, [0, 2]] < 60).all() and (boxes[:, [1, 3]] < 40).all()
    gt = clipped.gt_instances.bboxes
    np.testing.assert_allclose(gt, [[10, 10, 60, 40]])
    assert (gt[:, 2] < 60).all()
    # the sample itself is unchanged
    assert original.pred_instances.bboxes[1].tolist() == [-2., 5., 30., 45.]
    assert original.gt_instances.bboxes[0, 2] == 60.
    assert clipped.pred_instances.scores is original.pred_instances.scores


def test_mmdet_box_types_become_arrays():
    original = sample(lambda b: HorizontalBoxes(torch.tensor(b)))
    clipped = clip_boxes_for_drawing(original, (40, 60))
    np.testing.assert_allclose(clipped.gt_instances.bboxes, [[10, 10, 60, 40]])
    assert isinstance(original.gt_instances.bboxes, HorizontalBoxes)
