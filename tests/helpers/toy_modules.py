"""Tiny model / dataset / metric / hook for fast Runner tests.

Import it with ``custom_imports=dict(imports=['defectzoo', 'toy_modules'])``
after putting ``tests/`` on ``sys.path`` / ``PYTHONPATH``.

They go into mmengine's root registries, not defectzoo's, so that these
tests do not depend on the import health of the rest of the package (with
``default_scope='defectzoo'`` building a model imports all of
``defectzoo.models``); use them without ``default_scope``.
"""
import copy
import os
import random

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, HOOKS, METRICS, MODELS
from torch import nn
from torch.utils.data import Dataset


@MODELS.register_module()
class ToyModel(BaseModel):
    """Two Linear layers regressing one value from two features.

    ``dropout > 0``: dropout on the hidden layer while training, i.e. the
    train step draws from the global torch RNG (default: no random draws).
    ``nan_from_iter``: from this (1-based) training step on, the loss is
    NaN (a diverging run). ``hidden``: width of the hidden layer.
    """

    def __init__(self,
                 data_preprocessor=None,
                 init_cfg=None,
                 dropout=0.0,
                 nan_from_iter=None,
                 hidden=8):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.linear1 = nn.Linear(2, hidden)
        self.linear2 = nn.Linear(hidden, 1)
        self.dropout = dropout
        self.nan_from_iter = nan_from_iter
        self.steps = 0

    def forward(self, inputs, labels=None, mode='tensor'):
        hidden = F.relu(self.linear1(inputs))
        if self.dropout:
            hidden = F.dropout(hidden, self.dropout, self.training)
        out = self.linear2(hidden).squeeze(1)
        if mode == 'loss':
            self.steps += 1
            loss = F.mse_loss(out, labels)
            if self.nan_from_iter and self.steps >= self.nan_from_iter:
                loss = loss * float('nan')
            return dict(loss_mse=loss)
        if mode == 'predict':
            return [dict(pred=p, gt=g) for p, g in zip(out, labels)]
        return out


@DATASETS.register_module()
class ToyDataset(Dataset):
    """16 fixed samples; ``metainfo`` holds numpy objects like real datasets
    (palettes as arrays, statistics as numpy scalars).

    ``noise > 0``: a random augmentation: each sample's features get
    Gaussian noise drawn from the global torch, numpy and python ``random``
    RNGs (in the main process with ``num_workers=0``). Default: none.
    ``missing_at``: fetching this index raises ``FileNotFoundError`` for a
    file whose name is not valid UTF-8 (as a broken data set would).
    """

    METAINFO = dict(
        classes=('ok', 'defect'),
        palette=np.array([[0, 0, 0], [255, 0, 0]], dtype=np.uint8),
        mean=np.float32(0.5))

    def __init__(self, size=16, noise=0.0, missing_at=None):
        self.missing_at = missing_at
        g = torch.Generator().manual_seed(1234)
        self.x = torch.randn(size, 2, generator=g)
        self.y = self.x @ torch.tensor([1.5, -2.0]) + 0.3
        self.noise = noise

    @property
    def metainfo(self):
        return copy.deepcopy(self.METAINFO)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        if idx == self.missing_at:
            raise FileNotFoundError(2, 'No such file',
                                    os.fsdecode(b'sample-\xff.png'))
        x = self.x[idx]
        if self.noise:
            x = x + self.noise * (
                torch.randn(2) + torch.tensor(
                    [np.random.randn(),
                     random.gauss(0.0, 1.0)], dtype=x.dtype))
        return dict(inputs=x, labels=self.y[idx])


@METRICS.register_module()
class ToyMSE(BaseMetric):
    """Mean squared error; returns a numpy scalar as many metrics do."""
    default_prefix = 'toy'

    def process(self, data_batch, data_samples):
        for s in data_samples:
            self.results.append(float((s['pred'] - s['gt'])**2))

    def compute_metrics(self, results):
        return dict(mse=np.mean(results))


@HOOKS.register_module()
class HardKillHook(Hook):
    """Simulate a crash: ``os._exit`` (no cleanup, no final checkpoint)
    right after training iteration ``after_iter`` (1-based) finished."""
    priority = 'LOWEST'  # after CheckpointHook has saved this iteration

    def __init__(self, after_iter):
        self.after_iter = after_iter

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        if runner.iter + 1 == self.after_iter:
            os._exit(1)
