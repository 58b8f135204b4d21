"""The output folder of an inspection run and its streamed result log.

``results.jsonl`` gets one line per image as soon as it is predicted
(flushed and ``os.fsync``'d), so a killed run loses at most the image in
flight; every other output is rebuilt from it. A folder holding an
earlier run is refused unless the run is resumed (images already in the
log are skipped) or overwritten (the earlier run's files deleted first).
"""
import glob
import json
import os
import os.path as osp
import shutil
import tempfile
import warnings
from typing import Iterator, List, Optional, Set, Tuple

LOG = 'results.jsonl'
#: what a run writes: the files ``overwrite`` deletes (and ``results.*``)
RUN_FILES = (LOG, 'results.json', 'run.json', 'summary.csv', 'report.html',
             'report_data.js')
RUN_DIRS = ('overlays', 'masks', 'thumbs')


class OutDirError(ValueError):
    """The output folder cannot take this run (one line, names it)."""


def safe_text(text: str) -> str:
    """``text`` with file-name bytes that are no UTF-8 (surrogate escapes
    of ``os.listdir``) written as ``\\xNN``."""
    try:
        text.encode('utf-8')
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode('utf-8',
                           'surrogateescape').decode('utf-8',
                                                     'backslashreplace')
    except UnicodeEncodeError:  # surrogates of other origin
        return text.encode('utf-8', 'backslashreplace').decode('utf-8')


def clean(obj):
    """``obj`` (a result) with every string made :func:`safe_text`."""
    if isinstance(obj, str):
        return safe_text(obj)
    if isinstance(obj, dict):
        return {clean(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    return obj


def _earlier_run(out_dir: str) -> List[str]:
    return [
        n for n in RUN_FILES + RUN_DIRS if osp.lexists(osp.join(out_dir, n))
    ]


def prepare_out_dir(out_dir: str,
                    resume: bool = False,
                    overwrite: bool = False) -> None:
    """Create ``out_dir`` and check that it is writable; refuse one holding
    an earlier run unless ``resume`` or ``overwrite`` (which deletes the
    earlier run's files, keeping anything else).

    Raises:
        OutDirError: an earlier run, or the folder cannot be written.
    """
    if resume and overwrite:
        raise OutDirError('resume or overwrite, not both')
    found = _earlier_run(out_dir) if osp.isdir(out_dir) else []
    if found and not (resume or overwrite):
        raise OutDirError(
            f'{out_dir} holds an earlier run ({", ".join(found)}): use '
            '--resume to continue it or --overwrite to replace it')
    try:
        if overwrite:
            names = set(found) | {
                f + '.tmp'
                for f in RUN_FILES
            } | {
                osp.basename(p)
                for p in glob.glob(
                    osp.join(glob.escape(out_dir), 'results.*'))
            }
            for name in names:
                path = osp.join(out_dir, name)
                if osp.isdir(path) and not osp.islink(path):
                    shutil.rmtree(path)
                elif osp.lexists(path):
                    os.remove(path)
        os.makedirs(out_dir, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass  # what os.access cannot tell: read-only mounts, root
    except OSError as exc:
        raise OutDirError(f'cannot write to the output folder {out_dir}: '
                          f'{exc.strerror or exc}') from None


def iter_log(path: str) -> Iterator[Tuple[dict, int]]:
    """``(record, bytes up to its end)`` of each line of a result log; a
    line that is no JSON (the last one, cut by a kill) is ignored with a
    warning."""
    if not osp.exists(path):
        return
    size = 0
    with open(path, 'rb') as f:
        for i, line in enumerate(f, 1):
            size += len(line)
            if not line.strip():
                continue
            try:
                yield json.loads(line), size
            except ValueError:
                warnings.warn(f'{path}: line {i} is incomplete or no JSON '
                              '(a run killed while writing it?): ignored')


class ResultLog:
    """``results.jsonl`` of ``out_dir`` opened for appending after the
    records of an earlier run (:attr:`records`); a cut last line is cut
    off."""

    def __init__(self, out_dir: str):
        self.path = osp.join(out_dir, LOG)
        self.records, end = [], 0
        for record, end in iter_log(self.path):
            self.records.append(record)
        self.done: Set[str] = {r['input'] for r in self.records}
        self._file = open(self.path, 'ab')
        self._file.truncate(end)
        if end:
            with open(self.path, 'rb') as f:
                f.seek(end - 1)
                if f.read(1) != b'\n':
                    self._file.write(b'\n')

    def append(self, record: dict) -> dict:
        """Write one record (strings made safe) and sync it to disk."""
        record = clean(record)
        self._file.write(
            json.dumps(record, ensure_ascii=False).encode('utf-8') + b'\n')
        self._file.flush()
        os.fsync(self._file.fileno())
        self.records.append(record)
        self.done.add(record['input'])
        return record

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_same_run(out_dir: str, model: dict) -> None:
    """Write ``run.json`` (the model of the run); on resuming, refuse a
    different model, weights or threshold."""
    path = osp.join(out_dir, 'run.json')
    if osp.exists(path):
        with open(path, encoding='utf-8') as f:
            before: Optional[dict] = json.load(f).get('model')
        model, before = clean(model), before or {}
        diff = sorted(
            k for k in set(model) | set(before)
            if before.get(k) != model.get(k))
        if diff:
            raise OutDirError(
                f'{out_dir} holds a run of another model ({", ".join(diff)} '
                'differ): use --overwrite or another --out-dir')
        return
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(dict(model=clean(model)), f, indent=1, ensure_ascii=False)
