"""Structured channel pruning, then fine-tuning, through the normal Runner.

The thesis names pruning without specifying it (spec: lightweight-xai.md);
our decision: magnitude-based, dependency-aware channel pruning with
torch-pruning, sparsity in the config, fine-tuning by the config's schedule.
"""
from typing import Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import BaseOptimWrapper
from mmengine.runner import find_latest_checkpoint
from mmengine.runner.checkpoint import _load_checkpoint

from defectzoo.models.utils import (count_params, fit_to_state_dict,
                                    prune_channels)
from defectzoo.registry import HOOKS


def _unwrap(model):
    return model.module if is_model_wrapper(model) else model


@HOOKS.register_module()
class ChannelPruningHook(Hook):
    """Prune the loaded model's channels before training; load pruned
    checkpoints for testing and resuming.

    - Before training (after ``load_from`` is loaded): removes ``sparsity``
      of every layer's channels, those of smallest L-``norm`` magnitude
      (torch-pruning ``MagnitudePruner``), and points the optimiser at the
      new, smaller parameters. The schedule of the config fine-tunes.
    - Before a test or a resumed run whose checkpoint is already pruned:
      reshapes the model to the checkpoint instead (no second pruning).

    Usage (fine-tune a trained classifier with half its channels)::

        load_from = 'work_dirs/student/epoch_100.pth'
        custom_hooks = [dict(type='RandomStateHook'),
                        dict(type='ChannelPruningHook', sparsity=0.5)]

    Args:
        sparsity: fraction of the channels removed from each layer.
        input_size: ``(H, W)`` of the example input that traces the graph.
        ignored: submodules whose output channels are kept (the head).
        norm: 1 or 2 (the magnitude's norm).
        round_to: channel counts kept multiples of this.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 sparsity: float = 0.5,
                 input_size: Sequence[int] = (224, 224),
                 ignored: Sequence[str] = ('head', ),
                 norm: int = 2,
                 round_to: Optional[int] = None):
        if not 0 <= sparsity < 1:
            raise ValueError(f'ChannelPruningHook: sparsity must be in '
                             f'[0, 1), got {sparsity}')
        self.sparsity = sparsity
        self.input_size = tuple(input_size)
        self.ignored = tuple(ignored)
        self.norm = norm
        self.round_to = round_to
        self.pruned = False

    def before_run(self, runner) -> None:
        """Reshape the model to a pruned checkpoint it will load."""
        path = runner._load_from
        if path is None and runner._resume:
            path = find_latest_checkpoint(runner.work_dir)
        if path is None:
            return
        state = _load_checkpoint(path, map_location='cpu')
        model = _unwrap(runner.model)
        names = self._names(model)
        resized = fit_to_state_dict(model, state.get('state_dict', state))
        if resized:
            self.pruned = True
            self._refresh_optimizer(runner, names)
            print_log(
                f'ChannelPruningHook: {path} is pruned; reshaped '
                f'{len(resized)} layers to it ({count_params(model)} '
                'parameters)',
                logger='current')

    def before_train(self, runner) -> None:
        if self.pruned:
            return
        model = _unwrap(runner.model)
        if runner._load_from is None:
            print_log(
                'ChannelPruningHook: no load_from: pruning a model '
                'that was not trained (set load_from to the trained '
                'checkpoint)',
                logger='current',
                level=30)
        names = self._names(model)
        device = next(model.parameters()).device
        example = torch.zeros(1, 3, *self.input_size, device=device)
        before, after = prune_channels(
            model,
            example,
            self.sparsity,
            ignored=self.ignored,
            norm=self.norm,
            round_to=self.round_to)
        self.pruned = True
        self._refresh_optimizer(runner, names)
        print_log(
            f'ChannelPruningHook: {self.sparsity:.0%} of the channels '
            f'removed, {before} -> {after} parameters '
            f'({after / before:.1%})',
            logger='current')

    @staticmethod
    def _names(model):
        return {id(p): n for n, p in model.named_parameters()}

    @staticmethod
    def _refresh_optimizer(runner, names) -> None:
        """Point the optimiser's groups at the replaced parameters."""
        wrapper = runner.optim_wrapper
        if not isinstance(wrapper, BaseOptimWrapper):  # testing
            return
        optimizer = wrapper.optimizer
        params = dict(_unwrap(runner.model).named_parameters())
        for group in optimizer.param_groups:
            group['params'] = [params[names[id(p)]] for p in group['params']]
        optimizer.state.clear()
