"""``runner.train()`` whose errors end with one clear message."""
import logging
import os
from typing import Optional

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import BaseLoop

from .errors import DEBUG_ENV, error_message, fail, is_clear_error, safe_text


class TrainingStarted(Hook):
    """Records that setup is over: the first ``before_train`` has run
    (datasets, loops, optimizer built; checkpoint loaded or resumed)."""
    priority = 'HIGHEST'

    def __init__(self):
        self.started = False

    def before_train(self, runner) -> None:
        self.started = True


def empty_epoch_error(loop) -> Optional[ValueError]:
    """The reason when a built train loop has no batch in an epoch (the
    schedulers then fail with ``epoch_length must be a positive integer,
    but got 0``): fewer samples than one batch with ``drop_last=True``."""
    loader = getattr(loop, 'dataloader', None)
    try:
        if loader is None or len(loader) > 0:
            return None
        num = len(loader.dataset)
    except TypeError:  # an iterable without a length
        return None
    return ValueError(
        f'the training set has {num} sample(s), fewer than one batch of '
        f'{loader.batch_size}, and drop_last=True drops the incomplete '
        'batch: an epoch has no iteration. Lower train_dataloader.'
        'batch_size (--cfg-options train_dataloader.batch_size=N) or add '
        'images.')


def train_reporting_errors(runner) -> None:
    """``runner.train()``; an error ends with one clear message and exit
    code 1.

    * during setup (building datasets, loops, optimizer; loading or
      resuming a checkpoint): ``Could not start training: <error>``;
    * during training: ``Training stopped after N iteration(s), E
      epoch(s) completed: <error>``, where the checkpoints are and how to
      continue; errors other than bad data / non-finite values /
      checkpoints keep their traceback (a bug is more likely).

    ``runner.iter`` is read only once the train loop exists (reading it
    earlier builds the loop again, which raises again).
    """
    started = TrainingStarted()
    runner.register_hook(started)
    try:
        runner.train()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        loop = getattr(runner, '_train_loop', None)
        if not started.started or not isinstance(loop, BaseLoop):
            fail(
                'Could not start training',
                empty_epoch_error(loop) or exc,
                logged=True)
        message = safe_text(
            f'Training stopped after {runner.iter} iteration(s), '
            f'{runner.epoch} epoch(s) completed: '
            f'{error_message(exc).rstrip(".")}. '
            f'Checkpoints and logs are in {runner.work_dir}; continue with '
            '--resume once the cause is fixed.')
        print_log(message, logger='current', level=logging.ERROR)
        if is_clear_error(exc) and not os.environ.get(DEBUG_ENV):
            raise SystemExit(1)
        raise
