"""Fixtures of the API tests: a one-model zoo index."""
import pytest

from defectzoo.utils import zoo
from tests.test_apis._zoo_server import make_zoo


@pytest.fixture
def tiny_zoo(tmp_path, monkeypatch):
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
