"""Stop a training at the first non-finite loss or weight, before anything
non-finite is saved.

mmdet's :class:`~mmdet.engine.hooks.CheckInvalidLossHook` asserts on the
total loss every ``interval`` (default 50) iterations, with a bare
``AssertionError``. A run that diverges between two checks keeps training on
NaN weights, and ``CheckpointHook`` keeps saving them: with
``max_keep_ckpts`` the last good checkpoints are rotated away. This hook
checks every loss term and (``check_params``) the weights after every
iteration; its priority is above ``CheckpointHook``'s, so the iteration's
and the epoch's checkpoints are never written once something is not finite.
Every checkpoint on disk is then finite, and rotation only ever removes
older finite ones: the latest finite checkpoint survives.
"""
from typing import Optional

import torch
from mmdet.engine.hooks import CheckInvalidLossHook

from defectzoo.registry import HOOKS


class NonFiniteError(FloatingPointError):
    """A loss term or a weight became NaN or infinite while training."""


def first_non_finite(named_tensors) -> Optional[str]:
    """Name of the first floating-point tensor holding a NaN or an
    infinity (``(name, tensor)`` pairs), or None. One device sync.

    Fast path: a tensor's sum is NaN / Inf when an element is (one read of
    the weights, no temporary mask); the tensors whose sum is not finite
    are then checked element-wise, so an overflowing sum of finite values
    is not reported."""
    named = [(n, t.detach()) for n, t in named_tensors
             if torch.is_tensor(t) and t.is_floating_point() and t.numel()]
    if not named:
        return None
    sums = torch.stack([t.sum(dtype=torch.float32) for _, t in named])
    suspects = (~torch.isfinite(sums)).nonzero().flatten().tolist()
    for index in suspects:
        name, tensor = named[index]
        if not bool(torch.isfinite(tensor).all()):
            return name
    return None


@HOOKS.register_module()
class CheckFiniteHook(CheckInvalidLossHook):
    """Stop training at the first NaN / Inf loss term or weight.

    After every ``interval``-th training iteration, checks each loss term
    that the model returned (``loss``, ``loss_cls``, ``loss_bbox``, ...)
    and, with ``check_params``, every floating-point parameter and buffer.
    The first non-finite one raises :class:`NonFiniteError` naming the
    iteration, the term (or parameter) and its value; ``tools/train.py``
    reports it and exits with a non-zero code. As a last line of defence,
    a checkpoint whose weights are not finite is refused in
    ``before_save_checkpoint`` (e.g. with ``interval > 1``).

    Args:
        interval: check every ``interval`` iterations (1: every one, so no
            checkpoint of a diverged step is ever saved).
        check_params: also check the model's weights (one extra reduction
            per tensor, one device sync per check).
    """
    # before CheckpointHook (VERY_LOW) in after_train_iter / after_train_epoch
    priority = 'ABOVE_NORMAL'

    def __init__(self, interval: int = 1, check_params: bool = True) -> None:
        super().__init__(interval=interval)
        self.check_params = check_params

    @staticmethod
    def _model(runner):
        model = runner.model
        return getattr(model, 'module', model)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        where = f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
        terms = [(k, v) for k, v in (outputs or {}).items() if 'loss' in k]
        # name the term that went wrong before the total ('loss') it makes
        name = first_non_finite([t for t in terms if t[0] != 'loss']) or \
            first_non_finite(terms)
        if name is not None:
            value = dict(terms)[name]
            raise NonFiniteError(
                f'non-finite loss at {where}: {name} = '
                f'{value.detach().float().mean().item()} (all terms: ' +
                ', '.join(f'{k}={v.detach().float().mean().item():.4g}'
                          for k, v in terms) + '). Training stopped; '
                'every checkpoint written so far is finite. Lower the '
                'learning rate, enable gradient clipping '
                '(optim_wrapper.clip_grad) or check the data (NaN boxes?).')
        if self.check_params:
            self._check_weights(runner, f'after {where}')

    def _check_weights(self, runner, where: str) -> None:
        name = first_non_finite(self._model(runner).state_dict().items())
        if name is not None:
            raise NonFiniteError(
                f'non-finite weights {where}: {name} holds NaN or Inf. '
                'Training stopped before saving them; every checkpoint '
                'written so far is finite.')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        name = first_non_finite(checkpoint.get('state_dict', {}).items())
        if name is not None:
            raise NonFiniteError(
                f'refusing to save a checkpoint at iteration {runner.iter} '
                f'(epoch {runner.epoch}): {name} holds NaN or Inf.')
