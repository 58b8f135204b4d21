"""The work directory: its default, its name, one training at a time."""
import atexit
import os
import os.path as osp
import socket

from .errors import safe_text


def default_work_dir(config_path: str) -> str:
    """``./work_dirs/<config name>``, as the stock OpenMMLab tools do."""
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def check_work_dir_name(work_dir: str) -> None:
    """mmengine writes the work directory's path into text files (UTF-8):
    refuse a path that is not valid UTF-8 before anything is written."""
    try:
        work_dir.encode('utf-8')
    except UnicodeEncodeError:
        raise SystemExit(f'--work-dir {safe_text(work_dir)!r}: the path is '
                         'not valid UTF-8, which mmengine cannot write into '
                         'its logs and last_checkpoint file; choose '
                         'another directory.') from None


LOCK_NAME = '.train.lock'


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_work_dir(work_dir: str) -> str:
    """One training per work dir: create ``WORK_DIR/.train.lock`` holding
    this PID, or refuse (``SystemExit``) naming the PID of a running
    training that holds it. A lock whose PID is dead (a killed run) is
    taken over with a message. Released when this process exits."""
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    me = f'{os.getpid()} {socket.gethostname()}\n'
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                with open(path) as f:
                    pid_text, _, host = f.read().strip().partition(' ')
                pid = int(pid_text)
            except (OSError, ValueError):
                pid, host = None, ''
            if pid is not None and (host != socket.gethostname()
                                    or _alive(pid)):
                raise SystemExit(
                    f'{work_dir} is in use by another training (PID {pid}'
                    f'{" on " + host if host else ""}, lock file {path}): '
                    'two runs in one work dir overwrite each other\'s '
                    'checkpoints. Use another --work-dir, or wait for it.')
            print(
                f'{path}: taking over the lock of a training that is no '
                f'longer running (PID {pid})',
                flush=True)
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(fd, 'w') as f:
            f.write(me)

        def release():
            try:
                with open(path) as f:
                    if f.read() == me:
                        os.remove(path)
            except OSError:
                pass

        atexit.register(release)
        return path
    raise SystemExit(f'{path}: could not take the work-dir lock')
