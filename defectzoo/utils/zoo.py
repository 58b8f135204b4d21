"""The model zoo: names, the ``zoo://`` checkpoint scheme and verified
downloads.

Every released model is an entry of a metafile listed in
``model-index.yml`` (the OpenMMLab / mim layout): ``Name`` (the config's
name), ``Config``, ``Weights`` (the release URL, named
``<config>_<yyyymmdd>-<sha256[:8]>.pth`` by ``tools/misc/publish_model.py``)
and ``Metadata: {Weights SHA256: <64 hex>}``.

``zoo://NAME`` works wherever a checkpoint path does (``load_from``,
``init_cfg=dict(type='Pretrained', checkpoint=...)``, ``tools/test.py``,
``tools/infer.py``, :func:`mmengine.runner.load_checkpoint`). The file is
looked up, in this order:

1. the cache ``$DEFECTZOO_CACHE`` (default ``~/.cache/defectzoo``), checked
   against the recorded sha256 on every use;
2. a local mirror folder ``$DEFECTZOO_ZOO_MIRROR`` holding the released
   files (offline sites, or the folder ``tools/misc/build_zoo.sh`` writes);
3. ``$DEFECTZOO_ZOO_URL`` + file name, default :data:`DEFAULT_BASE_URL` --
   the one setting that says where the release assets live.

A copy or download goes to a temporary file in the cache folder, is checked
(complete, sha256 equal to the recorded one) and only then renamed into
place, so an interrupted transfer never leaves a file that looks complete; a
file whose sha256 differs is deleted and refused with both hashes named.

This module finds and verifies files and imports nothing of defectzoo;
:func:`defectzoo.utils.checkpoint.load_from_zoo` (the ``zoo://`` loader)
deserialises them. Also ``defectzoo.apis`` (``fetch``, ``list_models``,
...) and ``python -m defectzoo.apis`` (:func:`main`).
"""
import difflib
import glob
import hashlib
import os
import os.path as osp
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from mmengine.fileio import load
from mmengine.logging import print_log

ZOO_URL_ENV = 'DEFECTZOO_ZOO_URL'
ZOO_INDEX_ENV = 'DEFECTZOO_ZOO_INDEX'
ZOO_MIRROR_ENV = 'DEFECTZOO_ZOO_MIRROR'
CACHE_ENV = 'DEFECTZOO_CACHE'
# Where the release assets are published (GitHub release of the version).
# Which files are actually there: model_zoo.md, column "published".
DEFAULT_BASE_URL = \
    'https://github.com/defectzoo/defectzoo/releases/download/v0.1.0/'
SCHEME = 'zoo://'
SHA256_KEY = 'Weights SHA256'
_CHUNK = 1 << 20
#: overall deadline of one download (s) and the slowest rate accepted
#: (bytes/s, averaged over :data:`RATE_WINDOW` s after the first window)
DEADLINE_ENV, MIN_RATE_ENV = 'DEFECTZOO_DOWNLOAD_DEADLINE', \
    'DEFECTZOO_DOWNLOAD_MIN_RATE'
DEFAULT_DEADLINE, DEFAULT_MIN_RATE, RATE_WINDOW = 3600.0, 10240.0, 30.0
#: a ``.part`` file not written to for this long belongs to a dead transfer
STALE_PART_S = 600


class ZooError(RuntimeError):
    """A model-zoo file cannot be provided (unknown name, bad hash, ...)."""


@dataclass
class ZooModel:
    """One released model of the zoo."""
    name: str
    config: str  # absolute path of the config file
    weights: Optional[str]  # release URL (None: not released)
    sha256: Optional[str]
    collection: Optional[str] = None
    results: List[dict] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    @property
    def filename(self) -> Optional[str]:
        return None if self.weights is None else self.weights.rsplit('/')[-1]


def zoo_root() -> str:
    """The folder holding ``model-index.yml`` and ``configs/``:
    ``$DEFECTZOO_ZOO_INDEX`` if set (a private zoo: its
    ``model-index.yml`` or the folder holding it), else the repository of
    a development checkout, else the installed package's ``.mim`` folder
    (what ``mmengine``'s inferencers use too)."""
    if os.environ.get(ZOO_INDEX_ENV):
        index = osp.expanduser(os.environ[ZOO_INDEX_ENV])
        if osp.isfile(index):  # the model-index.yml itself
            return osp.dirname(osp.abspath(index))
        if not osp.isfile(osp.join(index, 'model-index.yml')):
            raise ZooError(f'{ZOO_INDEX_ENV}={index}: no model-index.yml '
                           'there (give the file or its folder)')
        return index
    pkg = osp.dirname(osp.dirname(osp.abspath(__file__)))
    repo = osp.dirname(pkg)
    if osp.isfile(osp.join(repo, 'model-index.yml')):
        return repo
    mim = osp.join(pkg, '.mim')
    if osp.isfile(osp.join(mim, 'model-index.yml')):
        return mim
    raise ZooError(f'no model-index.yml in {repo} or {mim}: defectzoo is '
                   'installed without its .mim files (reinstall it)')


def list_models(released_only: bool = False,
                root: Optional[str] = None) -> Dict[str, ZooModel]:
    """All models of the model index by name (``released_only``: those with
    weights)."""
    root = root or zoo_root()
    models = {}
    for meta_file in load(osp.join(root, 'model-index.yml'))['Import']:
        for m in load(osp.join(root, meta_file)).get('Models', []):
            meta = m.get('Metadata') or {}
            info = ZooModel(
                name=m['Name'],
                config=osp.join(root, m['Config']),
                weights=m.get('Weights'),
                sha256=meta.get(SHA256_KEY),
                collection=m.get('In Collection'),
                results=m.get('Results') or [],
                metadata=meta)
            if info.weights or not released_only:
                models[info.name] = info
    return models


def get_model_info(name: str, root: Optional[str] = None) -> ZooModel:
    """The zoo entry ``name`` (``zoo://`` optional); an unknown or
    unreleased name raises :class:`ZooError` listing the nearest names."""
    name = name[len(SCHEME):] if name.startswith(SCHEME) else name
    models = list_models(root=root)
    if name in models and models[name].weights:
        return models[name]
    released = sorted(n for n, m in models.items() if m.weights)
    near = difflib.get_close_matches(name, released, n=5, cutoff=0.3)
    if name in models:
        what = (f'model {name!r} has no released weights (Weights: null in '
                'its metafile)')
    else:
        what = f'unknown model-zoo name {name!r}'
    hint = (f'; nearest released names: {", ".join(near)}'
            if near else f'; released models: {", ".join(released) or "none"}')
    raise ZooError(f'{what}{hint} (python tools/infer.py --list-models)')


def cache_dir() -> str:
    return osp.expanduser(
        os.environ.get(CACHE_ENV) or osp.join('~', '.cache', 'defectzoo'))


def base_url() -> str:
    url = os.environ.get(ZOO_URL_ENV) or DEFAULT_BASE_URL
    return url if url.endswith('/') else url + '/'


def sha256sum(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(_CHUNK), b''):
            h.update(chunk)
    return h.hexdigest()


def verify(path: str, expected: str, source: str) -> None:
    """Raise :class:`ZooError` (and delete ``path``) if its sha256 is not
    ``expected``."""
    got = sha256sum(path)
    if got != expected:
        os.remove(path)
        raise ZooError(
            f'sha256 mismatch for {source}: expected {expected}, got {got}. '
            f'The file was deleted and refused (a corrupted or tampered '
            'file, or a release that does not match this defectzoo).')


class _Transfer:
    """Deadline, minimum rate and a progress line of one transfer."""

    def __init__(self, source: str, size: Optional[int]):
        self.source, self.size = source, size
        self.deadline = float(os.environ.get(DEADLINE_ENV) or DEFAULT_DEADLINE)
        self.min_rate = float(os.environ.get(MIN_RATE_ENV) or DEFAULT_MIN_RATE)
        self.start = self.mark_t = self.shown = time.monotonic()
        self.n = self.mark_n = 0
        self.tty = sys.stderr.isatty()

    def update(self, n: int) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.start > self.deadline:
            raise ZooError(f'transfer of {self.source} took longer than '
                           f'{self.deadline:.0f} s ({self.n} bytes received; '
                           f'{DEADLINE_ENV}); nothing was kept')
        if now - self.mark_t >= RATE_WINDOW:
            rate = (self.n - self.mark_n) / (now - self.mark_t)
            if rate < self.min_rate:
                raise ZooError(
                    f'transfer of {self.source} too slow: {rate:.0f} B/s '
                    f'over the last {now - self.mark_t:.0f} s (minimum '
                    f'{self.min_rate:.0f} B/s, {MIN_RATE_ENV}); nothing was '
                    'kept')
            self.mark_t, self.mark_n = now, self.n
        if now - self.shown >= (0.5 if self.tty else
                                10) or (self.size and self.n >= self.size):
            self.shown = now
            rate = self.n / max(now - self.start, 1e-6)
            total = f'/{self.size / 2**20:.1f}' if self.size else ''
            line = (f'{osp.basename(self.source)}: {self.n / 2**20:.1f}'
                    f'{total} MiB, {rate / 2**20:.2f} MiB/s')
            print(
                ('\r' + line) if self.tty else line,
                end='' if self.tty else '\n',
                file=sys.stderr,
                flush=True)


def _remove_stale_parts(dest: str) -> None:
    """Delete ``.part`` files of ``dest`` left by killed transfers."""
    for part in glob.glob(dest + '.*.part'):
        try:
            if time.time() - osp.getmtime(part) > STALE_PART_S:
                os.remove(part)
        except OSError:
            pass


def _copy_verified(src_open,
                   dest: str,
                   expected: str,
                   source: str,
                   size: Optional[int] = None) -> None:
    """Stream ``src_open()`` into a temporary file beside ``dest`` (within
    the deadline and above the minimum rate, showing progress); check its
    length and sha256; rename into place only if both are right."""
    os.makedirs(osp.dirname(dest), exist_ok=True)
    _remove_stale_parts(dest)
    fd, tmp = tempfile.mkstemp(
        dir=osp.dirname(dest), prefix=osp.basename(dest) + '.', suffix='.part')
    try:
        h, n = hashlib.sha256(), 0
        with os.fdopen(fd, 'wb') as out, src_open() as src:
            if size is None and hasattr(src, 'headers'):
                length = src.headers.get('Content-Length')
                size = int(length) if length else None
            transfer = _Transfer(source, size)
            read = getattr(src, 'read1', src.read)  # what has arrived
            for chunk in iter(lambda: read(_CHUNK), b''):
                out.write(chunk)
                h.update(chunk)
                n += len(chunk)
                transfer.update(len(chunk))
        if size is not None and n != size:
            raise ZooError(f'incomplete transfer of {source}: {n} of {size} '
                           'bytes received; nothing was kept')
        if h.hexdigest() != expected:
            raise ZooError(
                f'sha256 mismatch for {source}: expected {expected}, got '
                f'{h.hexdigest()}. The file was deleted and refused (a '
                'corrupted or tampered file, or a release that does not '
                'match this defectzoo).')
        os.replace(tmp, dest)
    except BaseException as exc:
        if osp.exists(tmp):
            os.remove(tmp)
        if isinstance(exc,
                      (OSError, EOFError)) and not isinstance(exc, ZooError):
            raise ZooError(f'transfer of {source} failed ({exc!r}); nothing '
                           'was kept') from exc
        raise


def _mirror_error(mirror: str, info: ZooModel) -> ZooError:
    """The mirror does not hold the pinned file: say what it holds."""
    stem = info.name + '_'
    held = sorted(f for f in os.listdir(mirror)
                  if f.startswith(stem)) if osp.isdir(mirror) else None
    what = ('the folder does not exist'
            if held is None else f'it holds {", ".join(held)} instead'
            if held else 'it holds no file of this model')
    return ZooError(
        f'{ZOO_MIRROR_ENV}={mirror} has no {info.filename} (sha256 '
        f'{info.sha256}, pinned by the metafile of {info.name}): {what}. '
        'The release in the mirror and this checkout\'s metafiles disagree '
        '(rebuild the release from this checkout, or point '
        f'{ZOO_MIRROR_ENV} at the release these metafiles pin).')


def fetch(name: str, root: Optional[str] = None) -> str:
    """Local path of the verified checkpoint of zoo model ``name``
    (cache, then mirror, then download)."""
    info = get_model_info(name, root)
    if not info.sha256:
        raise ZooError(f'model {info.name!r} has no {SHA256_KEY!r} in its '
                       'metafile: refusing to use an unverifiable file')
    dest = osp.join(cache_dir(), info.filename)
    if osp.isfile(dest):
        verify(dest, info.sha256, dest)  # deleted and refused if altered
        return dest
    mirror = os.environ.get(ZOO_MIRROR_ENV)
    if mirror and osp.isfile(osp.join(mirror, info.filename)):
        src = osp.join(mirror, info.filename)
        print_log(f'zoo://{info.name}: copying {src}', logger='current')
        try:
            _copy_verified(
                lambda: open(src, 'rb'),
                dest,
                info.sha256,
                src,
                size=osp.getsize(src))
        except ZooError as exc:
            raise ZooError(
                f'{exc} The release in {ZOO_MIRROR_ENV}={mirror} and the '
                f'metafile of {info.name} disagree.') from None
        return dest
    if mirror and not os.environ.get(ZOO_URL_ENV):
        raise _mirror_error(mirror, info)
    url = base_url() + info.filename
    print_log(
        f'zoo://{info.name}: downloading {url} to {dest}', logger='current')
    _copy_verified(lambda: urllib.request.urlopen(url, timeout=60), dest,
                   info.sha256, url)
    return dest


def read_verified(name: str, root: Optional[str] = None) -> bytes:
    """The bytes of zoo model ``name``'s checkpoint, read once and checked
    against the pinned sha256 *as read*: what is returned is what was
    verified, even if the file is replaced on disk meanwhile."""
    path = fetch(name, root)
    info = get_model_info(name, root)
    with open(path, 'rb') as f:
        data = f.read()
    got = hashlib.sha256(data).hexdigest()
    if got != info.sha256:
        raise ZooError(
            f'sha256 mismatch for {path} (zoo://{info.name}) as read: '
            f'expected {info.sha256}, got {got}. The file changed after it '
            'was checked; it was not loaded.')
    return data


def resolve_checkpoint(checkpoint: Optional[str]) -> Optional[str]:
    """``zoo://NAME`` -> local verified path; anything else unchanged."""
    if checkpoint and checkpoint.startswith(SCHEME):
        return fetch(checkpoint)
    return checkpoint


def nearest_names(name: str, n: int = 5) -> List[str]:
    return difflib.get_close_matches(
        name, list(list_models(True)), n=n, cutoff=0.3)


def verify_file(path: str, root: Optional[str] = None) -> ZooModel:
    """Check a downloaded file (e.g. by ``mim download``, which checks no
    hash) against the sha256 its zoo entry records; raises
    :class:`ZooError` (the file is kept) if unknown or different."""
    name = osp.basename(path)
    for info in list_models(released_only=True, root=root).values():
        if info.filename == name:
            got = sha256sum(path)
            if got != info.sha256:
                raise ZooError(f'sha256 mismatch for {path}: expected '
                               f'{info.sha256} ({info.name}), got {got}')
            return info
    raise ZooError(f'{name} is not a released file of the model zoo')


def where(info: ZooModel) -> str:
    """``'cache'``, ``'mirror'`` or ``'release URL only'``: where
    :func:`fetch` would take the file of ``info`` from (not hashed here)."""
    if info.filename and osp.isfile(osp.join(cache_dir(), info.filename)):
        return 'cache'
    mirror = os.environ.get(ZOO_MIRROR_ENV)
    if mirror and info.filename and osp.isfile(
            osp.join(mirror, info.filename)):
        return 'mirror'
    return 'release URL only'


def main(argv=None):
    """``python -m defectzoo.apis verify FILE...`` / ``fetch NAME...`` /
    ``list`` (name, file, sha256, where it is: cache / mirror / release
    URL only)."""
    import argparse
    p = argparse.ArgumentParser(prog='python -m defectzoo.apis')
    p.add_argument('command', choices=['list', 'fetch', 'verify'])
    p.add_argument('items', nargs='*')
    args = p.parse_args(argv)
    try:
        if args.command == 'list':
            for name, m in list_models(released_only=True).items():
                print(f'{name}\t{m.filename}\t{m.sha256}\t{where(m)}')
        for item in args.items:
            if args.command == 'fetch':
                print(fetch(item))
            else:
                info = verify_file(item)
                print(f'OK {item}: sha256 of {info.name}')
    except ZooError as exc:
        raise SystemExit(f'error: {exc}') from None
