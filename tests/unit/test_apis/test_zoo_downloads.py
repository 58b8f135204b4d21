"""Downloads that cannot hang or litter, and a mirror that says why it
cannot serve a pinned file."""
import os
import os.path as osp
import time

import pytest

from defectzoo.utils import zoo
from defectzoo.utils.zoo import ZooError
from tests.helpers.zoo_server import no_partial_files, serve
from tests.unit.test_apis.test_zoo import NAME


def test_slow_server_is_dropped_at_the_minimum_rate(tiny_zoo, monkeypatch):
    monkeypatch.setattr(zoo, 'RATE_WINDOW', 0.5)
    monkeypatch.setenv(zoo.MIN_RATE_ENV, '1000')
    with serve(tiny_zoo['release']) as (url, server):
        server.slow.add(tiny_zoo['filename'])
        monkeypatch.setenv(zoo.ZOO_URL_ENV, url)
        start = time.monotonic()
        with pytest.raises(ZooError, match=r'too slow: \d+ B/s.*minimum 1000'):
            zoo.fetch(NAME)
        assert time.monotonic() - start < 10
    assert no_partial_files(tiny_zoo['cache'])


def test_overall_deadline(tiny_zoo, monkeypatch):
    monkeypatch.setenv(zoo.DEADLINE_ENV, '0.5')
    monkeypatch.setenv(zoo.MIN_RATE_ENV, '0')
    with serve(tiny_zoo['release']) as (url, server):
        server.slow.add(tiny_zoo['filename'])
        monkeypatch.setenv(zoo.ZOO_URL_ENV, url)
        with pytest.raises(ZooError, match='longer than 0 s|longer than 1 s'):
            zoo.fetch(NAME)
    assert no_partial_files(tiny_zoo['cache'])


def test_stale_part_files_are_cleaned_on_the_next_fetch(tiny_zoo, monkeypatch):
    os.makedirs(tiny_zoo['cache'])
    dest = osp.join(tiny_zoo['cache'], tiny_zoo['filename'])
    stale, fresh = dest + '.old1.part', dest + '.live.part'
    for p in (stale, fresh):
        open(p, 'wb').close()
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    zoo.fetch(NAME)
    assert not osp.exists(stale)
    assert osp.exists(fresh)  # maybe another process's live transfer


def test_mirror_without_the_pinned_file_says_what_it_holds(
        tiny_zoo, tmp_path, monkeypatch):
    mirror = tmp_path / 'mirror'
    mirror.mkdir()
    other = NAME + '_20991231-deadbeef.pth'
    (mirror / other).write_bytes(b'x')
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, str(mirror))
    monkeypatch.delenv(zoo.ZOO_URL_ENV, raising=False)
    with pytest.raises(ZooError) as err:
        zoo.fetch(NAME)
    msg = str(err.value)
    for part in (str(mirror), tiny_zoo['filename'], tiny_zoo['sha'], other,
                 'disagree'):
        assert part in msg, msg
    # a file of the pinned name but another content: the same diagnosis
    (mirror / tiny_zoo['filename']).write_bytes(b'another build')
    with pytest.raises(ZooError, match='sha256 mismatch.*disagree'):
        zoo.fetch(NAME)


def test_list_says_where_each_file_is(tiny_zoo, monkeypatch, capsys):
    monkeypatch.delenv(zoo.ZOO_MIRROR_ENV, raising=False)
    zoo.main(['list'])
    assert capsys.readouterr().out.rstrip().endswith('release URL only')
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    zoo.main(['list'])
    assert capsys.readouterr().out.rstrip().endswith('mirror')
    zoo.fetch(NAME)
    zoo.main(['list'])
    assert capsys.readouterr().out.rstrip().endswith('cache')


def test_index_env_takes_the_yml_or_its_folder(tiny_zoo, monkeypatch):
    yml = osp.join(tiny_zoo['root'], 'model-index.yml')
    monkeypatch.setenv(zoo.ZOO_INDEX_ENV, yml)
    assert zoo.zoo_root() == osp.abspath(tiny_zoo['root'])
    assert NAME in zoo.list_models()
    monkeypatch.setenv(zoo.ZOO_INDEX_ENV, osp.dirname(yml) + '/nowhere')
    with pytest.raises(ZooError, match='no model-index.yml'):
        zoo.zoo_root()
