"""Running a child process with its output in a log file.

The one subprocess helper of the tools (k-fold folds, small-data runs) and
the benchmarks (each training / test run).
"""
import os
import subprocess
from typing import Callable, List, Optional


def run_logged(cmd: List[str],
               log_path: str,
               label: str,
               succeeded: Optional[Callable[[], bool]] = None,
               tail_lines: int = 15,
               cwd: Optional[str] = None,
               check: bool = False) -> bool:
    """Run ``cmd``, stdout and stderr into ``log_path``.

    Returns True when it exits with 0 and ``succeeded()`` (e.g. "its result
    file exists") holds. Otherwise prints ``<label>: FAILED``, the exit code,
    the log's path and its last ``tail_lines`` lines, and returns False --
    or, with ``check=True``, raises :class:`RuntimeError` with that message.
    """
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
    with open(log_path, 'w') as log:
        rc = subprocess.call(
            cmd, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
    if rc == 0 and (succeeded is None or succeeded()):
        return True
    with open(log_path, errors='replace') as log:
        tail = ''.join(log.readlines()[-tail_lines:])
    message = (f'{label}: FAILED (exit code {rc}); last lines of '
               f'{log_path}:\n{tail}')
    if check:
        raise RuntimeError(message)
    print(message, flush=True)
    return False
