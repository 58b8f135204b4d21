"""A local HTTP server and a one-model zoo index for the zoo / mim tests."""
import hashlib
import http.server
import os
import os.path as osp
import shutil
import threading
from contextlib import contextmanager

import pytest

from defectzoo.utils import zoo
from tests.helpers.tiny_models import make_model


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``server.root``; ``server.truncate`` names files sent with a
    Content-Length larger than what is sent (an interrupted transfer),
    ``server.slow`` files sent a byte every 0.2 s; ``server.hits`` counts
    GETs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=args[2].root, **kwargs)

    def do_GET(self):
        self.server.hits.append(self.path)
        name = self.path.lstrip('/')
        if name in self.server.slow:  # one byte every 0.2 s
            import time
            data = open(osp.join(self.server.root, name), 'rb').read()
            self.send_response(200)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            try:
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:  # the client gave up
                pass
            self.close_connection = True
            return
        if name in self.server.truncate:
            data = open(osp.join(self.server.root, name), 'rb').read()
            self.send_response(200)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@contextmanager
def serve(root):
    """``(base_url, server)`` of an HTTP server on 127.0.0.1 serving
    ``root``."""
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
    server.root, server.truncate, server.hits = str(root), set(), []
    server.slow = set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}/', server
    finally:
        server.shutdown()
        server.server_close()


def make_zoo(tmp_path, kind='cls', name='tiny-cls_zoo'):
    """A zoo index (``model-index.yml`` + metafile + config) with one
    released model, its published file in ``tmp_path/release``; returns
    ``(index_root, release_dir, filename, sha256)``."""
    root = tmp_path / 'zoo'
    (root / 'configs' / 'tiny').mkdir(parents=True)
    cfg, ckpt = make_model(tmp_path, kind)
    shutil.copyfile(cfg, root / 'configs' / 'tiny' / f'{name}.py')
    sha = hashlib.sha256(open(ckpt, 'rb').read()).hexdigest()
    filename = f'{name}_20261130-{sha[:8]}.pth'
    release = tmp_path / 'release'
    release.mkdir()
    shutil.copyfile(ckpt, release / filename)
    (root /
     'model-index.yml').write_text('Import:\n  - configs/tiny/metafile.yml\n')
    (root / 'configs' / 'tiny' / 'metafile.yml').write_text(f"""\
Collections:
  - Name: Tiny
Models:
  - Name: {name}
    In Collection: Tiny
    Config: configs/tiny/{name}.py
    Metadata:
      Weights SHA256: {sha}
    Results:
      - Task: Image Classification
        Dataset: toy
        Metrics:
          Top 1 Accuracy: 50.0
    Weights: https://example.invalid/releases/{filename}
  - Name: tiny-cls_unreleased
    In Collection: Tiny
    Config: configs/tiny/{name}.py
    Weights: null
""")
    return str(root), str(release), filename, sha


def no_partial_files(folder) -> bool:
    return not any(f.endswith('.part') for f in os.listdir(folder)) \
        if osp.isdir(folder) else True


@pytest.fixture
def tiny_zoo(tmp_path, monkeypatch):
    """A one-model zoo index, cache and release served from ``tmp_path``
    (the environment points ``zoo://`` at them)."""
    root, release, filename, sha = make_zoo(tmp_path)
    cache = tmp_path / 'cache'
    monkeypatch.setenv(zoo.ZOO_INDEX_ENV, root)
    monkeypatch.setenv(zoo.CACHE_ENV, str(cache))
    monkeypatch.delenv(zoo.ZOO_MIRROR_ENV, raising=False)
    return dict(
        root=root,
        release=release,
        filename=filename,
        sha=sha,
        cache=str(cache))
