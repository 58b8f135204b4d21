"""A tool's errors as one clear line and exit code 1
(``DEFECTZOO_DEBUG=1``: the traceback)."""
import functools
import logging
import os
import os.path as osp
import sys

from mmengine.logging import print_log

from defectzoo.utils.checkpoint import CheckpointError, UnsafeCheckpointError
from defectzoo.utils.data.validation import InvalidDataError

#: Environment variable: show the full traceback of a tool's error.
DEBUG_ENV = 'DEFECTZOO_DEBUG'


def safe_text(text: str) -> str:
    """``text`` printable on any stream: undecodable bytes of non-UTF-8
    file names (surrogate escapes) become ``\\xNN``-like escapes instead
    of making the logging handler fail."""
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')


def error_message(exc: BaseException) -> str:
    """``Type: message`` of an exception, safe to print."""
    text = str(exc) or repr(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = str(exc.args[0])
    return safe_text(f'{type(exc).__name__}: {text}')


def fail(what: str, exc: BaseException, logged: bool = False) -> None:
    """Report ``exc`` as one clear message and exit with code 1 (the full
    traceback with ``DEFECTZOO_DEBUG=1``)."""
    if os.environ.get(DEBUG_ENV):
        raise exc
    message = f'{what}: {error_message(exc)}'
    if logged:
        print_log(message, logger='current', level=logging.ERROR)
    else:
        print(message, file=sys.stderr, flush=True)
    raise SystemExit(1)


def is_clear_error(exc: BaseException) -> bool:
    """Errors whose message says everything (bad data, non-finite values,
    unreadable / unfitting / unsafe checkpoints): no traceback needed."""
    return isinstance(exc, (InvalidDataError, CheckpointError,
                            UnsafeCheckpointError, FloatingPointError))


def one_line(text: str) -> str:
    """``text`` on one line: its non-empty lines joined with ``'; '``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return '; '.join([line.rstrip('.;') for line in lines[:-1]] + lines[-1:])


def reporting_errors(main):
    """Decorate a tool's ``main()``: a clear error (an unsafe, unreadable or
    unfitting checkpoint, bad data, non-finite values: see
    :func:`is_clear_error`) ends with one line on stderr, ``<tool>: <Type>:
    <message naming the file>``, and exit code 1 instead of a traceback
    (``DEFECTZOO_DEBUG=1``: the traceback). Other errors keep theirs."""

    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV) or not is_clear_error(exc):
                raise
            print(
                f'{osp.basename(sys.argv[0])}: {one_line(error_message(exc))}',
                file=sys.stderr,
                flush=True)
            raise SystemExit(1) from None

    return run
