"""Refuse a checkpoint that does not fit the model when it must.

mmengine loads ``load_from`` / ``--resume`` checkpoints with
``strict=False``: a checkpoint of another model (no key in common) or of
another width (shape mismatches) only logs a warning, so ``tools/test.py``
prints the metrics of a randomly initialised model with exit code 0, and a
resume from a foreign checkpoint fails later with "loaded state dict has a
different number of parameter groups".
"""
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from defectzoo.registry import HOOKS
from defectzoo.utils.checkpoint import check_checkpoint_fits


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Check a loaded checkpoint against the model with
    :func:`~defectzoo.utils.checkpoint.check_checkpoint_fits` when the
    weights must fit exactly:

    * when **resuming** a training;
    * when **evaluating** (``Runner.test()`` / ``val()`` outside a training,
      i.e. ``tools/test.py``).

    ``load_from`` at the start of a training (fine-tuning from a model with
    another head, an SSL backbone, ...) stays partial, as in mmengine.
    The check runs in ``after_load_checkpoint``, before any weight, optimizer
    or scheduler state is loaded.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        resuming = bool(getattr(runner, '_resume', False))
        training = isinstance(getattr(runner, '_train_loop', None), BaseLoop)
        if not resuming and training:
            return
        filename = runner._load_from or 'the latest checkpoint in ' \
            f'{runner.work_dir}'
        check_checkpoint_fits(runner.model,
                              checkpoint.get('state_dict', checkpoint),
                              filename)
