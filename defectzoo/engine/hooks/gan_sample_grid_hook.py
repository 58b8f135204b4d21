"""Sample grids of a mask-conditioned GAN during training."""
import os
import os.path as osp
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from torchvision.utils import make_grid

from defectzoo.registry import HOOKS


@HOOKS.register_module()
class GANSampleGridHook(Hook):
    """Every ``interval`` iterations write a grid whose rows are
    ``mask | real | generated x num_noises`` for the first ``num_rows``
    pairs of the training set (same masks, guides and noises at
    every call, so the grids show training progress).

    Written to ``<work_dir>/<out_dir>/iter_<n>.png`` and to the runner's
    visualizer (``add_image('samples', ...)``).

    Args:
        interval: iterations between grids. Defaults to 500.
        num_rows: pairs shown. Defaults to 4.
        num_noises: generated images per pair. Defaults to 3.
        out_dir: folder under the work dir. Defaults to ``'samples'``.
        seed: seed of the noises.
    """
    priority = 'LOW'

    def __init__(self,
                 interval: int = 500,
                 num_rows: int = 4,
                 num_noises: int = 3,
                 out_dir: str = 'samples',
                 seed: int = 0):
        self.interval = interval
        self.num_rows = num_rows
        self.num_noises = num_noises
        self.out_dir = out_dir
        self.seed = seed
        self._inputs: Optional[dict] = None

    def before_train(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') \
            else runner.model
        # read the pairs directly: a second iterator over the loader would
        # share (and close) the InfiniteSampler's index generator
        loader = runner.train_dataloader
        dataset = loader.dataset
        num = min(self.num_rows, len(dataset))
        batch = loader.collate_fn([dataset[i] for i in range(num)])
        self._inputs = model.data_preprocessor(batch, False)['inputs']

    @torch.no_grad()
    def sample_grid(self, model) -> np.ndarray:
        """The grid as an ``(H, W, 3)`` uint8 array."""
        inputs = self._inputs
        mask, guide, real = inputs['mask'], inputs['guide'], inputs['img']
        gen = torch.Generator().manual_seed(self.seed)
        was_training = model.training
        model.eval()
        try:
            fakes = [
                model.generate(mask, guide, model.draw_noise(len(mask), gen))
                for _ in range(self.num_noises)
            ]
        finally:
            model.train(was_training)
        c = real.shape[1]
        tiles = [mask.expand(-1, c, -1, -1) * 2 - 1, real] + fakes
        cols = 2 + self.num_noises
        tiles = torch.stack(tiles, dim=1).flatten(0, 1)  # row-major
        grid = make_grid(
            tiles.clamp(-1, 1).cpu(),
            nrow=cols,
            padding=2,
            normalize=True,
            value_range=(-1, 1),
            pad_value=1)
        return (grid.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval) and \
                not self.is_last_train_iter(runner):
            return
        model = runner.model.module if hasattr(runner.model, 'module') \
            else runner.model
        grid = self.sample_grid(model)
        out_dir = osp.join(runner.work_dir, self.out_dir)
        os.makedirs(out_dir, exist_ok=True)
        from PIL import Image
        Image.fromarray(grid).save(
            osp.join(out_dir, f'iter_{runner.iter + 1}.png'))
        runner.visualizer.add_image('samples', grid, step=runner.iter + 1)
