"""Object detection: :class:`DefectDetInferencer` (mmdet's
``DetInferencer``), with sliced inference of large images
(:mod:`.slicing`)."""
from typing import Optional

import numpy as np
import torch
from mmdet.apis import DetInferencer
from mmdet.models.detectors import BaseDetector
from mmdet.structures import DetDataSample
from mmengine.dataset import Compose

from defectzoo.datasets.transforms.inference_loading import LoadInferenceImage
from defectzoo.registry import INFERENCERS
from defectzoo.utils.det_boxes import clip_boxes_for_drawing
from .base import (DefectInferencerMixin, InputType, MMEngineLoadingMixin,
                   new_visualizer)
from .fields import det_fields
from .slicing import (TiledImage, TilingError, check_tiling, merge_tiles,
                      nms_settings, tile_windows)


@INFERENCERS.register_module()
class DefectDetInferencer(MMEngineLoadingMixin, DefectInferencerMixin,
                          DetInferencer):
    """Object detection on a defectzoo config or zoo name (mmdet's
    ``DetInferencer`` with defectzoo loading, scope and checks).

    Sliced inference of large images (e.g. whole radiographs) with
    ``tile``: an image larger than ``tile`` in either side is loaded once,
    by the test pipeline's loader -- so X-ray windowing (``percentiles``,
    16-bit stretching) is computed on the whole image, not per window --
    and cut into ``tile x tile`` windows overlapping by ``overlap`` px
    (the last window of a row / column ends at the image border). The rest
    of the test pipeline (resize, packing) runs per window, the model sees
    ``batch_size`` windows per forward pass, and the windows' boxes are
    merged in image coordinates (:mod:`defectzoo.apis.slicing`: boxes cut
    by a window edge dropped where a neighbouring window found the defect
    whole, then class-wise NMS at the model's test-time IoU threshold,
    default 0.6, at most its ``max_per_img`` boxes). Images no larger than
    the tile run whole, as without tiling. Results get ``tiles`` (the
    number of windows); the OOD score of a sliced image is the highest of
    its windows'.

    Args:
        tile: window side in px (an integer >= 32); None: no tiling.
        overlap: overlap of neighbouring windows in px, ``0 <= overlap <
            tile``; at least the largest defect's size, so that each
            defect lies whole in some window.
        **kwargs: see :class:`DefectInferencerMixin`.
    """
    task = 'detection'
    model_types = (BaseDetector, )
    library_kwargs = dict(show_progress=False)
    supports_tiling = True

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 tile: Optional[int] = None,
                 overlap: int = 0,
                 **kwargs):
        if tile is not None:
            if not self.supports_tiling:
                raise TilingError(f'{type(self).__name__} does not support '
                                  'tiled inference (tile=...)')
            check_tiling(tile, overlap)
        self.tile, self.overlap = tile, overlap
        super().__init__(model, weights, **kwargs)
        steps = self.pipeline.transforms
        k = 1 + next(i for i, t in enumerate(steps)
                     if isinstance(t, LoadInferenceImage))
        # whole image: load (and window); then per window: the rest
        self._load_whole, self._per_window = Compose(steps[:k]), Compose(
            steps[k:])

    def prepare(self, name: str, src: InputType):
        """The packed input of the image, or with tiling and an image
        larger than the tile a :class:`TiledImage` of its windows."""
        if self.tile is None:
            return super().prepare(name, src)
        results = self._load_whole(self._pipeline_input(name, src))
        h, w = results['img'].shape[:2]
        if h <= self.tile and w <= self.tile:
            return self._per_window(results)
        windows = tile_windows(h, w, self.tile, self.overlap)
        inputs = []
        for x0, y0, x1, y1 in windows:
            part = dict(results)
            for key in ('img', 'img_raw'):
                if key in part:
                    part[key] = np.ascontiguousarray(part[key][y0:y1, x0:x1])
            part.update(
                img_shape=(y1 - y0, x1 - x0), ori_shape=(y1 - y0, x1 - x0))
            inputs.append(self._per_window(part))
        meta = dict(
            img_path=results.get('img_path'),
            ori_shape=(h, w),
            img_shape=(h, w),
            tiles=len(windows))
        return TiledImage(inputs, windows, (h, w), meta)

    def predict_prepared(self, data: list, batch_size: int = 1):
        """As the parent; with tiling, ``batch_size`` windows (or whole
        small images) per forward pass, merged per image."""
        if self.tile is None:
            return super().predict_prepared(data, batch_size)
        flat, owner = [], []
        for i, item in enumerate(data):
            parts = item.inputs if isinstance(item, TiledImage) else [item]
            flat += parts
            owner += [i] * len(parts)
        preds, feats, step = [], [], max(1, batch_size)
        for k in range(0, len(flat), step):
            preds += self.model.test_step(self.collate(flat[k:k + step]))
            feats.append(self._capture.pop())
        scores = None if any(f is None for f in feats) else \
            self.ood_scores(torch.cat(feats))
        iou_thr, max_per_img = nms_settings(
            getattr(self.model, 'test_cfg', None)
            or self.cfg.model.get('test_cfg'))
        out, out_scores = [], []
        for i, item in enumerate(data):
            idx = [k for k, o in enumerate(owner) if o == i]
            if isinstance(item, TiledImage):
                pred = DetDataSample(metainfo=item.metainfo)
                pred.pred_instances = merge_tiles(
                    [preds[k].pred_instances for k in idx], item.windows,
                    *item.shape, iou_thr, max_per_img)
                out.append(pred)
            else:
                out.append(preds[idx[0]])
            if scores is not None:
                out_scores.append(max(scores[k] for k in idx))
        return out, None if scores is None else out_scores

    def _load_weights_to_model(self, model, checkpoint, cfg):
        self._load_with_meta(model, checkpoint, cfg)
        model.dataset_meta.setdefault('palette', 'random')

    def _init_visualizer(self, cfg):
        vis = new_visualizer('mmdet.DetLocalVisualizer', 'defectzoo-det')
        vis.dataset_meta = self.model.dataset_meta
        return vis

    def pred_to_dict(self, pred) -> dict:
        out = det_fields(pred.pred_instances, self.class_names, self.score_thr)
        if self.tile is not None:
            out['tiles'] = pred.metainfo.get('tiles', 1)
        return out

    def draw(self, image, pred, name):
        self.visualizer.add_datasample(
            name,
            image,
            clip_boxes_for_drawing(pred, image.shape),
            draw_gt=False,
            show=False,
            pred_score_thr=self.score_thr)
        return self.visualizer.get_image()
