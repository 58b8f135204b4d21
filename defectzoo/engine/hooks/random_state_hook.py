"""Save the random-number-generator states in checkpoints; restore on resume.

Why: mmengine 0.10.7 checkpoints hold the weights, optimizer, schedulers and
message hub, and on ``--resume`` the data order is reproduced (the samplers
draw from their own seeded generators, ``IterBasedTrainLoop`` replays the
batches already trained), but not the global torch / numpy / python RNG
states. A model that draws random numbers while training (dropout, drop-path,
masks or noise generated in the main process) therefore continues on other
random numbers after a resume than an uninterrupted run would: the resumed
run is as valid, but not bit-identical, and it cannot be reproduced either.
"""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop

from defectzoo.registry import HOOKS

CKPT_KEY = 'random_states'


def get_random_states() -> dict:
    """The global RNG states as tensors and plain python values, which
    ``torch.load(weights_only=True)`` accepts without any allow-list."""
    name, key, pos, has_gauss, gauss = np.random.get_state()
    states = dict(
        torch=torch.get_rng_state(),
        # uint32[624] MT19937 key as int64 (no numpy type in the file)
        numpy=dict(
            bit_generator=str(name),
            key=torch.from_numpy(key.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            gauss=float(gauss)),
        python=random.getstate())  # (3, tuple of 625 ints, None or float)
    # The current device's state; do not initialise CUDA just for this.
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states['cuda'] = torch.cuda.get_rng_state()
    return states


def set_random_states(states: dict) -> None:
    """Restore what :func:`get_random_states` returned (also after a
    ``map_location='cuda'`` load: the states must be CPU byte tensors)."""
    torch.set_rng_state(states['torch'].cpu())
    np_state = states['numpy']
    np.random.set_state(
        (np_state['bit_generator'],
         np_state['key'].cpu().numpy().astype(np.uint32), np_state['pos'],
         np_state['has_gauss'], np_state['gauss']))
    version, internal, gauss_next = states['python']
    random.setstate((version, tuple(internal), gauss_next))
    if 'cuda' in states and torch.cuda.is_available():
        torch.cuda.set_rng_state(states['cuda'].cpu())


class _RestoreBeforeNext:
    """Wraps ``IterBasedTrainLoop.dataloader_iterator``: lets the resume
    replay pass, then calls ``before_fetch()`` before every real fetch."""

    def __init__(self, iterator, replay: int, before_fetch):
        self.iterator = iterator
        self.replay = replay
        self.before_fetch = before_fetch

    def __iter__(self):
        return self

    def __next__(self):
        if self.replay > 0:
            self.replay -= 1
        else:
            self.before_fetch()
        return next(self.iterator)

    def __getattr__(self, name):  # only for names not set in __init__
        if name == 'iterator':  # e.g. copy/pickle before __init__ ran
            raise AttributeError(name)
        return getattr(self.iterator, name)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make ``--resume`` continue the random-number streams of the
    uninterrupted run, so that a killed and resumed training gives
    bit-identical weights (with ``randomness.deterministic=True``).

    What it does (single process):

    * **save**: every checkpoint gets ``checkpoint['random_states']``: the
      torch CPU, numpy, python ``random`` and (if initialised) current CUDA
      device RNG states, as tensors / ints / tuples, i.e. loadable under
      ``torch.load(weights_only=True)``. The states are those at the first
      save of a training step; a best checkpoint saved later in the same
      step (after validation) gets the same states.
    * **resume**: ``after_load_checkpoint`` keeps them only when the runner
      resumes (``load_from`` without ``resume`` only loads weights and leaves
      the RNGs alone).
    * **restore point**, where the resumed run continues:

      - ``IterBasedTrainLoop``: right before the first batch is fetched after
        the loop's dataloader replay (the replay itself draws random numbers:
        main-process transforms, a new dataloader iterator's base seed), so
        that the first batch after the resume, transforms included, draws
        the same numbers as in the uninterrupted run;
      - ``EpochBasedTrainLoop``: at the first ``before_train_epoch``, before
        the epoch's dataloader iterator is created (creating it draws its
        base seed from the torch RNG). Exact for epoch-end checkpoints;
        mmengine restarts an interrupted epoch from its beginning anyway;
      - other train loops: at the first ``before_train_iter``, i.e. after the
        first batch has been fetched.

    * **the uninterrupted run restores too**: at the same point after each
      save, it resets the RNGs to the saved states. Between a save and that
      point other code draws random numbers that a resumed run never draws
      (the validation that follows a checkpoint creates a dataloader
      iterator; hooks running after ``CheckpointHook``); resetting makes
      both runs continue from the same states. So randomness consumed by
      validation at checkpoint steps no longer shifts the training's random
      numbers. Nothing else changes.

    Priority ``VERY_HIGH``: in ``before_train_epoch`` / ``before_train_iter``
    the states are restored before other hooks draw, so theirs follow the
    restored streams too. The relative order to ``CheckpointHook`` does not
    matter: states are taken in ``before_save_checkpoint``, i.e. during the
    save, and anything drawn after it is undone by the restore in both runs.

    Limits:

    * Distributed runs (``world_size > 1``): the hook does nothing.
      ``Runner.save_checkpoint`` (and ``before_save_checkpoint``) runs on
      rank 0 only, so the other ranks' states (different per rank with
      ``randomness.diff_rank_seed=True``, else the same seed but data-
      dependent draws) cannot be stored without a collective at every
      possible save, and restoring rank 0 alone would not make the averaged
      gradients reproducible. A resumed multi-process run draws other random
      numbers than an uninterrupted one, as without this hook.
    * Dataloader workers have their own RNGs (mmengine's ``worker_init_fn``
      seeds worker ``i`` with ``seed + num_workers * rank + i`` whenever
      workers start); those streams are not in the checkpoint. Without
      ``persistent_workers`` this is still exact: workers restart every epoch
      from the same seeds, and the iteration loop's replay runs through them.
      With ``persistent_workers=True`` an epoch-based resume restarts the
      worker streams that the uninterrupted run continues: not exact.
    * Only the generators named above: not ``torch.Generator`` objects owned
      by modules/transforms (samplers reseed theirs), not NPU/MLU/MPS ones.
    """
    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        # dict(iter=<runner.iter to continue at>, states=..., resumed=bool)
        self._pending: Optional[dict] = None

    @staticmethod
    def _single_process() -> bool:
        return get_dist_info()[1] == 1

    def before_train(self, runner) -> None:
        if not self._single_process():
            print_log(
                'RandomStateHook: distributed training, the RNG states are '
                'not saved/restored (see the hook docstring); a resumed run '
                'is not bit-identical to an uninterrupted one.',
                logger='current')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if not self._single_process():
            return
        step = checkpoint['meta']['iter']  # where a resumed run continues
        pending = self._pending
        if pending is None or pending['iter'] != step or pending['resumed']:
            pending = self._pending = dict(
                iter=step, states=get_random_states(), resumed=False)
        checkpoint[CKPT_KEY] = pending['states']

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending = None
        if not getattr(runner, '_resume', False) or \
                not self._single_process():
            return
        self._warn_persistent_workers(runner)
        if CKPT_KEY not in checkpoint:
            print_log(
                'RandomStateHook: the resumed checkpoint holds no RNG states '
                '(saved without this hook); the resumed run draws other '
                'random numbers than the uninterrupted one would have.',
                logger='current',
                level=30)
            return
        self._pending = dict(
            iter=checkpoint['meta']['iter'],
            states=checkpoint[CKPT_KEY],
            resumed=True)

    @staticmethod
    def _warn_persistent_workers(runner) -> None:
        """Say at the start of a resume that it will not be bit-identical
        when the training dataloader keeps persistent workers."""
        loader = getattr(runner, 'train_dataloader', None)
        if getattr(loader, 'persistent_workers', False) and getattr(
                loader, 'num_workers', 0) > 0:
            print_log(
                'RandomStateHook: train_dataloader has persistent_workers='
                f'True ({loader.num_workers} workers): the workers\' random '
                'streams (random augmentations) restart at the resume '
                'point, so this resumed run is not bit-identical to an '
                'uninterrupted one. For an exact resume train with '
                'train_dataloader.persistent_workers=False (before and '
                'after the interruption).',
                logger='current',
                level=30)

    def _restore(self, runner, *, resumed_only: bool = False) -> None:
        pending = self._pending
        if pending is None or pending['iter'] != runner.iter:
            return
        if pending['resumed'] or not resumed_only:
            set_random_states(pending['states'])
        self._pending = None

    def before_train_epoch(self, runner) -> None:
        loop = runner.train_loop
        if isinstance(loop, EpochBasedTrainLoop):
            self._restore(runner)
        elif isinstance(loop, IterBasedTrainLoop) and not isinstance(
                loop.dataloader_iterator, _RestoreBeforeNext):
            # called once, before the loop replays `loop.iter` batches
            loop.dataloader_iterator = _RestoreBeforeNext(
                loop.dataloader_iterator,
                replay=loop.iter,
                before_fetch=lambda: self._restore(runner))

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        # Other loops: a resumed run restores here, after the first fetch.
        # An in-run reset here would rewind the streams to before that
        # fetch (its transforms' numbers would be drawn again): skip it.
        self._restore(runner, resumed_only=True)
        if self._pending is not None and self._pending['iter'] < runner.iter:
            self._pending = None

    def after_train(self, runner) -> None:
        loop = runner.train_loop
        iterator = getattr(loop, 'dataloader_iterator', None)
        if isinstance(iterator, _RestoreBeforeNext):
            loop.dataloader_iterator = iterator.iterator
