"""A PNG grid of test predictions next to the ground truth."""
import os
import os.path as osp
from typing import Optional, Sequence

import cv2
from mmengine.hooks import Hook

from defectzoo.datasets.transforms.loading import LoadXRayImage
from defectzoo.registry import HOOKS
from defectzoo.utils.det_boxes import clip_boxes_for_drawing
from ...utils.image_grid import tile_images


@HOOKS.register_module()
class DetPredGridHook(Hook):
    """Draw the first ``num_images`` test images with mmdet's
    :class:`~mmdet.visualization.DetLocalVisualizer` -- ground truth on the
    left, predictions with score >= ``score_thr`` on the right -- and save
    them as one PNG grid (``ncols`` pairs per row) at the end of testing.

    Images are re-read with ``LoadXRayImage`` (percentile window, so 16-bit
    radiographs are visible); boxes are in original-image pixels.
    ``tools/test.py CONFIG CKPT --show-grid grid.png`` adds this hook.
    """
    priority = 'LOW'

    def __init__(self,
                 out_file: str,
                 num_images: int = 16,
                 ncols: int = 4,
                 score_thr: float = 0.3,
                 tile: int = 256,
                 percentiles: Sequence[float] = (0.5, 99.5)):
        self.out_file = out_file
        self.num_images = num_images
        self.ncols = ncols
        self.score_thr = score_thr
        self.tile = tile
        self.percentiles = tuple(percentiles)
        self._samples = []

    def before_test(self, runner) -> None:
        self._samples = []

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        for sample in outputs or []:
            if len(self._samples) < self.num_images:
                self._samples.append(sample.cpu())

    def after_test_epoch(self, runner, metrics=None) -> None:
        if not self._samples:
            return
        from mmdet.visualization import DetLocalVisualizer
        load = LoadXRayImage(percentiles=self.percentiles, to_rgb=True)
        vis = DetLocalVisualizer(
            name=f'defectzoo_grid_{id(self)}', line_width=1)
        vis.dataset_meta = runner.test_dataloader.dataset.metainfo
        tiles = []
        for sample in self._samples:
            img = load(dict(img_path=sample.img_path))['img'][..., ::-1]
            vis.add_datasample(
                osp.basename(sample.img_path),
                img,
                clip_boxes_for_drawing(sample, img.shape),
                draw_gt=True,
                draw_pred=True,
                show=False,
                pred_score_thr=self.score_thr)
            pair = vis.get_image()  # RGB, gt | pred
            h, w = pair.shape[:2]
            scale = self.tile / h
            tiles.append(cv2.resize(pair, (max(1, int(w * scale)), self.tile)))
        grid = tile_images(tiles, self.ncols)
        if osp.dirname(self.out_file):
            os.makedirs(osp.dirname(self.out_file), exist_ok=True)
        cv2.imwrite(self.out_file, grid[..., ::-1])
        runner.logger.info(f'prediction grid (gt | pred, score >= '
                           f'{self.score_thr}) saved to {self.out_file}')
