"""Run a command-line tool's ``main(argv)`` in this (pytest) process.

A child ``python tools/train.py ...`` pays 6-10 s of imports (torch,
mmengine, mmdet, mmpretrain) before it does anything; :func:`run_main`
calls ``defectzoo.cli.<tool>.main`` directly, as the console script would,
and leaves this process as it found it: the global state a run changes
(mmengine's managed instances: loggers, message hubs, visualizers, default
scopes; torch's determinism flags and thread count; RNG states; signal
handlers; warning filters; environment variables; the current directory)
is put back afterwards and its data-loader worker processes end, so runs
do not see each other.

One implementation for every in-process run: :func:`tool_state` (the
state saved, set and restored; output into strings or an open log file;
from any thread) and :func:`call_tool` (``main(argv)`` or a script run as
``__main__``, its exit status); :func:`run_main` / :func:`run_script` for
tests, :func:`launch` for ``benchmarks/model_zoo.py``'s tool runner.

Tests about the process itself (signals, kill and resume, work-dir locks
held by a running training, exit codes or text on the real console, a
fresh interpreter, toy modules on a child's ``PYTHONPATH``) keep a child
process (``run_cli`` / ``start_train`` of ``tests/conftest.py``).
"""
import atexit
import contextlib
import importlib
import io
import logging
import multiprocessing
import os
import os.path as osp
import random
import re
import runpy
import signal
import subprocess
import sys
import threading
import traceback
import warnings
import weakref
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
import torch
from mmengine.logging import MMLogger
from mmengine.runner import Runner
from mmengine.utils.manager import ManagerMixin
from torch.utils.data.dataloader import \
    _MultiProcessingDataLoaderIter as _LoaderIter

from tests.conftest import REPO_ROOT


@dataclass
class Completed:
    """What a run left, like :class:`subprocess.CompletedProcess`:
    ``returncode`` (as ``sys.exit(main())`` would give it), ``stdout``,
    ``stderr`` (warnings and an exit message included) and ``value``,
    what ``main`` returned."""
    returncode: int
    stdout: str
    stderr: str
    value: Any = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _managed_classes():
    """Every class that keeps mmengine-managed instances (``ManagerMixin``:
    ``MMLogger``, ``MessageHub``, ``DefaultScope``, visualizers)."""
    seen, todo = [], [ManagerMixin]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return seen


def _exit_code(code) -> int:
    """The exit status of ``SystemExit(code)`` / ``sys.exit(code)``."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


@contextlib.contextmanager
def loader_workers_end():
    """The data-loader worker processes started inside end at its exit, as
    with a tool's process: a persistent workers' iterator left to the
    garbage collector costs 5 s (torch's shutdown, run inside gc, waits for
    a worker's queue timeout). Nests."""
    loaders, loader_init = weakref.WeakSet(), _LoaderIter.__init__

    def tracked_init(self, *args, **kwargs):
        loader_init(self, *args, **kwargs)
        loaders.add(self)

    _LoaderIter.__init__ = tracked_init
    try:
        yield
    finally:
        _LoaderIter.__init__ = loader_init
        for loader in list(loaders):
            loader._shutdown_workers()


@contextlib.contextmanager
def tool_state(stdout, stderr, cwd=REPO_ROOT, argv=None, fresh=False):
    """A tool's run in this process: its output into ``stdout`` /
    ``stderr`` (strings' buffers or an open log file), ``sys.argv`` set to
    ``argv`` and the working directory ``cwd``; this process's global
    state restored afterwards (see the module's docstring).

    ``fresh``: the tool starts from a new child process's state: no
    mmengine-managed instance of another run (those are back afterwards),
    torch's initial random state, non-deterministic algorithms.

    Works from any thread (signal handlers, which only the main thread can
    install, are saved and restored there only), but the state is
    process-wide: one tool at a time (:data:`one_tool`).
    """
    instances = {
        cls: dict(cls.__dict__.get('_instance_dict', {}))
        for cls in _managed_classes()
    }
    # console handlers of existing loggers (``logger='current'`` before a
    # Runner exists) write into this run's output meanwhile
    old_streams = [(h, h.stream)
                   for logger in MMLogger._instance_dict.values()
                   for h in logger.handlers
                   if type(h) is logging.StreamHandler]
    for handler, _ in old_streams:  # (no flush: the old may be closed)
        handler.stream = stdout
    rng = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    torch_state = (torch.are_deterministic_algorithms_enabled(),
                   torch.is_deterministic_algorithms_warn_only_enabled(),
                   torch.backends.cudnn.benchmark,
                   torch.backends.cudnn.deterministic, torch.get_num_threads())
    cv2_threads = cv2.getNumThreads()
    start_method = multiprocessing.get_start_method(allow_none=True)
    main_thread = threading.current_thread() is threading.main_thread()
    handlers = {
        s: signal.getsignal(s)
        for s in (signal.SIGINT, signal.SIGTERM)
    } if main_thread else {}
    environ = dict(os.environ)
    old_argv, old_cwd = sys.argv, os.getcwd()
    build_logger = Runner.__dict__['build_logger']
    from defectzoo.cli import console
    console_state = dict(console._console)
    # the work-dir lock is released at the exit of the tool's process:
    # here at the end of the run
    at_exit, register = [], atexit.register

    def register_exit(func, *args, **kwargs):
        if getattr(func, '__module__', '') == 'defectzoo.cli.work_dir':
            at_exit.append((func, args, kwargs))
            return func
        return register(func, *args, **kwargs)

    def show_warning(message,
                     category,
                     filename,
                     lineno,
                     file=None,
                     line=None):
        stderr.write(
            warnings.formatwarning(message, category, filename, lineno, line))

    if fresh:  # none for the tool, as in a new process
        for cls in instances:
            cls.__dict__.get('_instance_dict', {}).clear()
        torch.set_rng_state(torch.Generator().get_state())
        torch.use_deterministic_algorithms(False)
    # a child started with OMP_NUM_THREADS=1 unless it was set (run_cli)
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
    if argv is not None:
        sys.argv = list(argv)
    os.chdir(cwd)
    atexit.register = register_exit
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(
                stdout), contextlib.redirect_stderr(
                    stderr), loader_workers_end():
            warnings.showwarning = show_warning
            try:
                yield
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
    finally:
        atexit.register = register
        for func, args, kwargs in at_exit:
            func(*args, **kwargs)
        os.chdir(old_cwd)
        sys.argv = old_argv
        for cls in _managed_classes():
            keep = instances.get(cls, {})
            made = cls.__dict__.get('_instance_dict', {})
            for name in [n for n in made if keep.get(n) is not made[n]]:
                instance = made.pop(name)
                if isinstance(instance, MMLogger):
                    for handler in list(instance.handlers):
                        handler.close()
                        instance.removeHandler(handler)
            if keep:
                made.update(keep)
        for handler, stream in old_streams:
            handler.stream = stream
        random.setstate(rng[0])
        np.random.set_state(rng[1])
        torch.set_rng_state(rng[2])
        torch.use_deterministic_algorithms(
            torch_state[0], warn_only=torch_state[1])
        torch.backends.cudnn.benchmark = torch_state[2]
        torch.backends.cudnn.deterministic = torch_state[3]
        torch.set_num_threads(torch_state[4])
        cv2.setNumThreads(cv2_threads)
        if start_method is not None:
            multiprocessing.set_start_method(start_method, force=True)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        os.environ.update(environ)
        Runner.build_logger = build_logger
        console._console.update(console_state)


#: the state :func:`tool_state` changes is process-wide: a caller running
#: tools from several threads takes this first
one_tool = threading.RLock()


def call_tool(target, argv):
    """Inside :func:`tool_state`: ``target(argv)`` (a tool's ``main``) or,
    ``target`` a path, the script run as ``__main__`` (``sys.argv`` as
    set). Returns ``(exit status, main's value, uncaught exception)`` as
    ``sys.exit(main())`` / the interpreter would end: ``SystemExit``'s
    message and an uncaught error's traceback written to ``sys.stderr``.
    """
    error, value = None, None
    try:
        if callable(target):
            value = target(argv)
        else:
            runpy.run_path(str(target), run_name='__main__')
        code = _exit_code(value)
        if not isinstance(value, int) and value is not None:
            print(value, file=sys.stderr)
    except SystemExit as exc:
        code = _exit_code(exc.code)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)  # as the interpreter does
    except Exception as exc:  # an uncaught error: traceback, status 1
        code, error = 1, exc
        traceback.print_exc(file=sys.stderr)
    return code, value, error


def tool_module(script):
    """The ``defectzoo.cli`` module the ``tools/`` script ``script`` (a
    path in this repository) runs (``from defectzoo.cli.NAME import
    main``)."""
    with open(osp.join(REPO_ROOT, script)) as f:
        modules = re.findall(r'^from (defectzoo\.cli\.\w+) import main$',
                             f.read(), re.M)
    assert len(modules) == 1, (script, modules)
    return importlib.import_module(modules[0])


def launch(cmd, log_file, capture=False):
    """``benchmarks/model_zoo.py``'s ``launch`` in this process (from any
    thread, one tool at a time): ``python CMD`` (``cmd[0]``: a ``tools/``
    script) as ``main(argv)`` of the tool's ``defectzoo.cli`` module from a
    child process's state, its output in the open ``log_file``
    (``capture``: stdout returned, stderr logged). Returns ``(exit status,
    stdout or None)``."""
    script, *args = cmd
    main = tool_module(script).main
    out = io.StringIO() if capture else log_file
    with one_tool, tool_state(
            out, log_file, REPO_ROOT, [script, *args], fresh=True):
        code, _, _ = call_tool(main, args)
    return code, out.getvalue() if capture else None


def call(cmd, stdout=None, stderr=None, cwd=None) -> int:
    """``subprocess.call`` of ``[python, '-m', MODULE, *ARGS]`` (a
    ``defectzoo.cli`` tool: a repeated-run protocol's child run) in this
    process, from a child process's state, its output into the open file
    ``stdout`` (``stderr``: a file or ``subprocess.STDOUT``). Tests patch
    it in as ``defectzoo.utils.process``'s ``subprocess``
    (:func:`child_runs_in_process`)."""
    python, flag, name, *args = cmd
    assert (python, flag) == (sys.executable, '-m'), cmd
    module = importlib.import_module(name)
    err = stdout if stderr == subprocess.STDOUT else stderr
    with one_tool, tool_state(
            stdout, err, cwd or os.getcwd(), [module.__file__, *args],
            fresh=True):
        code, _, _ = call_tool(module.main, args)
    return code


def child_runs_in_process(monkeypatch) -> None:
    """The child runs of ``defectzoo.utils.process.run_logged`` (k-fold,
    small-data and seed repeats) in this process: :func:`call`."""
    monkeypatch.setattr('defectzoo.utils.process.subprocess',
                        SimpleNamespace(call=call, STDOUT=subprocess.STDOUT))


def run_main(module,
             argv,
             expect_failure=False,
             cwd=REPO_ROOT,
             console=False) -> Completed:
    """``module.main(argv)`` (``module``: a ``defectzoo.cli`` tool) in this
    process, as ``python tools/<tool>.py ARGV`` would run it from ``cwd``:
    its output captured, exit status as ``sys.exit(main())`` gives it.

    Asserts that it succeeded (``expect_failure=True``: that it failed;
    ``None``: either), showing the output and traceback otherwise.
    ``console``: the output goes through what a UTF-8 terminal's streams
    do with text (:func:`console_streams`), not into str buffers.
    """
    return _run(module.main, module.__file__, module.__name__, argv,
                expect_failure, cwd, None, console)


def run_script(path,
               argv,
               expect_failure=False,
               cwd=REPO_ROOT,
               env=None) -> Completed:
    """``python PATH ARGV`` (a script, mmdet's or mmpretrain's own tools) in
    this process, run as ``__main__`` from ``cwd`` with the environment
    variables ``env`` added, as :func:`run_main` runs a tool."""
    return _run(
        str(path), str(path), str(path), argv, expect_failure, cwd, env)


def console_streams():
    """``sys.stdout`` / ``sys.stderr`` as a UTF-8 terminal gives them to
    Python: UTF-8, ``strict`` on stdout (a lone surrogate, e.g. of a file
    name that is not UTF-8, raises) and ``backslashreplace`` on stderr;
    each over a byte buffer (:func:`console_text` reads it)."""
    return tuple(
        io.TextIOWrapper(
            io.BytesIO(), 'utf-8', errors=errors, write_through=True)
        for errors in ('strict', 'backslashreplace'))


def console_text(stream) -> str:
    return stream.buffer.getvalue().decode('utf-8', 'replace')


def _run(target,
         argv0,
         name,
         argv,
         expect_failure,
         cwd,
         env,
         console=False) -> Completed:
    argv = [str(a) for a in argv]
    stdout, stderr = console_streams() if console else (io.StringIO(),
                                                        io.StringIO())
    with one_tool, tool_state(stdout, stderr, cwd, [argv0] + argv):
        os.environ.update(env or {})
        code, value, error = call_tool(target, argv)
    text = console_text if console else io.StringIO.getvalue
    result = Completed(code, text(stdout), text(stderr), value)
    failed = ' '.join([name] + argv) + f' exited with {code}'
    if expect_failure:
        assert code != 0, (f'{failed}, expected a failure:\n'
                           f'{result.stdout[-4000:]}\n{result.stderr[-6000:]}')
    elif code != 0 and expect_failure is not None:
        raise AssertionError(f'{failed}:\n{result.stdout[-4000:]}\n'
                             f'{result.stderr[-6000:]}') from error
    return result
