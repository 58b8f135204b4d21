"""Progress lines from the first training iteration on.

mmengine's ``LoggerHook`` logs every ``interval`` iterations (10 by
default): a run whose iterations take a minute on a CPU says nothing for
ten minutes, and its first ``eta`` averages in the start-up of the data
loader workers. This hook logs iterations 1, 2, 4, 8, ... (doubling) until
the ``LoggerHook`` logs its first line, each with the iteration, the seconds
per iteration and the ETA; without an accelerator it also says, after the
first few iterations, what the whole run will cost and which CPU-sized run
the config names (its top-level ``cpu_alternative``), and when the first
batch is slow to come (data-loader workers starting), that it has come.
``tools/train.py`` adds it to every training.
"""
import datetime
import sys
import threading
import time
from typing import Optional

from mmengine.device import get_device
from mmengine.hooks import Hook, LoggerHook

from defectzoo.registry import HOOKS


def format_duration(seconds: float) -> str:
    """``H:MM:SS`` (``1 day, H:MM:SS`` beyond a day), as mmengine's ETA."""
    return str(datetime.timedelta(seconds=int(round(max(seconds, 0)))))


@HOOKS.register_module()
class ProgressHook(Hook):
    """Log training progress at iterations 1, 2, 4, 8, ... until the
    ``LoggerHook`` takes over, and the cost of a run on the CPU.

    Each line: ``Progress: iteration N/TOTAL, S s/iter, ETA H:MM:SS``. The
    first iteration's time includes the start-up (data-loader workers,
    first batch); from the second line on, ``s/iter`` is the mean of the
    iterations after the first, and the ETA is that pace times the
    iterations left. Iterations are counted from where the run started
    (after ``--resume`` too). Lines stop at the first iteration the
    ``LoggerHook`` logs (its ``interval``; with no ``LoggerHook``, they go
    on doubling).

    Without a GPU (mmengine's ``get_device()`` is ``'cpu'``): at the start,
    one line saying so; after iteration ``estimate_after`` (or already
    after iteration 2 when the iterations so far took ``estimate_within``
    seconds), one line with the estimated wall time of the whole run
    (iterations x s/iter) and, when the config has a top-level
    ``cpu_alternative`` (a command: a CPU-sized run of the same model) and
    the estimate exceeds ``alternative_over`` seconds, that command.

    Args:
        estimate_after (int): the iteration (counted from the start of this
            run) after which the CPU cost is estimated. Defaults to 4.
        estimate_within (float): estimate after iteration 2 already when
            the iterations so far took this many seconds. Defaults to 60.
        alternative_over (float): show the config's ``cpu_alternative``
            only when the estimated wall time exceeds this many seconds
            (a run that is already short needs none). Defaults to 3600.
        first_batch_over (float): say when the first batch is ready if it
            took this many seconds (the first iteration line comes only
            after that batch's step). Defaults to 10.
        heartbeat (float): while the run's first iteration goes on, say so
            every this many seconds (a step of a large batch on a CPU can
            take minutes). Defaults to 30.
    """
    priority = 'BELOW_NORMAL'  # as LoggerHook's: after IterTimerHook

    def __init__(self,
                 estimate_after: int = 4,
                 estimate_within: float = 60.,
                 alternative_over: float = 3600.,
                 first_batch_over: float = 10.,
                 heartbeat: float = 30.):
        if estimate_after < 1:
            raise ValueError(
                f'estimate_after must be >= 1, got {estimate_after}')
        self.estimate_after = int(estimate_after)
        self.estimate_within = float(estimate_within)
        self.alternative_over = float(alternative_over)
        self.first_batch_over = float(first_batch_over)
        self.heartbeat = float(heartbeat)
        self._beat: Optional[threading.Timer] = None
        self._reset(0)

    def _reset(self, start_iter: int) -> None:
        self._start_iter = start_iter
        self._last: Optional[float] = None
        self._first_time = 0.
        self._steady_sum = 0.
        self._steady_count = 0
        self._taken_over = False
        self._estimated = False
        self._logger: Optional[LoggerHook] = None

    @staticmethod
    def _on_cpu() -> bool:
        return get_device() == 'cpu'

    def before_train(self, runner) -> None:
        self._reset(runner.iter)
        self._logger = next(
            (h for h in runner.hooks if isinstance(h, LoggerHook)), None)
        left = runner.max_iters - runner.iter
        if self._on_cpu() and left > self.estimate_after:
            runner.logger.info(
                f'No GPU: training on the CPU, {left} iterations; the '
                'estimated wall time follows after the first iterations.')

    def before_train_epoch(self, runner) -> None:
        # the time between epochs (validation, checkpoints) is not counted
        self._last = time.perf_counter()

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        if runner.iter != self._start_iter or self._last is None:
            return
        waited = time.perf_counter() - self._last
        if waited >= self.first_batch_over:
            runner.logger.info(
                f'Progress: first batch ready after {waited:.0f} s '
                '(data-loader start-up); iteration '
                f'{runner.iter + 1}/{runner.max_iters} running')
        self._start_beat(runner, self.heartbeat)

    def _start_beat(self, runner, after: float) -> None:
        """Say in ``after`` s that the first iteration still runs (and
        again every ``heartbeat`` s) while this thread is inside the train
        loop's ``run_iter`` (so a run that failed in it stays silent)."""
        started = time.monotonic()
        thread = threading.get_ident()
        run_iter = getattr(type(runner.train_loop), 'run_iter', None)
        code = getattr(run_iter, '__code__', None)

        def still_in_iteration() -> bool:
            frame = sys._current_frames().get(thread)
            while frame is not None and code is not None:
                if frame.f_code is code:
                    return True
                frame = frame.f_back
            return code is None and frame is not None

        def beat():
            if not still_in_iteration():
                return
            runner.logger.info(
                f'Progress: iteration {runner.iter + 1}/{runner.max_iters} '
                f'still running after {time.monotonic() - started:.0f} s')
            self._beat = threading.Timer(self.heartbeat, beat)
            self._beat.daemon = True
            self._beat.start()

        self._stop_beat()
        self._beat = threading.Timer(after, beat)
        self._beat.daemon = True
        self._beat.start()

    def _stop_beat(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None

    def after_train(self, runner) -> None:
        self._stop_beat()

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        self._stop_beat()
        now = time.perf_counter()
        elapsed = now - (self._last if self._last is not None else now)
        self._last = now
        done = runner.iter + 1 - self._start_iter  # iterations of this run
        if done == 1:
            self._first_time = elapsed
        else:
            self._steady_sum += elapsed
            self._steady_count += 1
        pace = self._first_time  # s/iter: the start-up counts only alone
        if self._steady_count:
            pace = self._steady_sum / self._steady_count
        left = runner.max_iters - runner.iter - 1
        if self._logger_logs(runner, batch_idx):
            self._taken_over = True
        elif not self._taken_over and done & (done - 1) == 0:
            runner.logger.info(self._progress_line(runner, done, pace, left))
        slow = self._first_time + self._steady_sum >= self.estimate_within
        due = done >= self.estimate_after or (done >= 2 and slow)
        if due and left > 0 and not self._estimated:
            self._estimated = True
            if self._on_cpu():
                runner.logger.info(self._cost_line(runner, pace))

    def _logger_logs(self, runner, batch_idx: int) -> bool:
        """Whether the ``LoggerHook`` logs this iteration (its own test)."""
        hook = self._logger
        if hook is None:
            return False
        if hook.every_n_inner_iters(batch_idx, hook.interval):
            return True
        try:
            length = len(runner.train_dataloader)
        except TypeError:  # an iterable without a length
            return False
        if not hook.end_of_epoch(runner.train_dataloader, batch_idx):
            return False
        return not hook.ignore_last or length <= hook.interval

    def _progress_line(self, runner, done: int, pace: float, left: int) -> str:
        line = (f'Progress: iteration {runner.iter + 1}/{runner.max_iters}, '
                f'{pace:.2f} s/iter')
        if done == 1:
            line += ' (start-up included)'
        line += f', ETA {format_duration(pace * left)}'
        if done == 1 and self._logger is not None:
            line += ('; more after 2, 4, 8, ... iterations, until the '
                     f'regular log (every {self._logger.interval} '
                     'iterations) starts')
        return line

    def _cost_line(self, runner, pace: float) -> str:
        total = runner.max_iters - self._start_iter
        estimate = pace * total
        line = (f'No GPU: this run, {total} iterations x {pace:.2f} s/iter, '
                f'takes about {format_duration(estimate)} on this CPU.')
        alternative = (runner.cfg or {}).get('cpu_alternative')
        if alternative and estimate > self.alternative_over:
            line += f' A CPU-sized run of this config: {alternative}'
        return line
