"""The installed package carries configs, tools and model-index.yml in
``defectzoo/.mim`` (setup.py's add_mim_extension), so ``mim search`` lists
the zoo and ``mim download`` fetches a checkpoint (from a local HTTP server
on 127.0.0.1), which ``python -m defectzoo.apis verify`` checks; it
carries the report page's files (package data)."""
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from defectzoo.utils import zoo
from tests.conftest import REPO_ROOT
from tests.helpers.zoo_server import make_zoo, serve

PACKAGE_FILES = ('setup.py', 'MANIFEST.in', 'README.md', 'requirements',
                 'defectzoo', 'tools')


def _run(args, env, cwd):
    out = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    return out.stdout


def test_mim_search_and_download(tmp_path):
    # a copy of the package whose index is a one-model zoo served locally
    src = tmp_path / 'src'
    src.mkdir()
    for name in PACKAGE_FILES:
        path = osp.join(REPO_ROOT, name)
        if osp.isdir(path):
            shutil.copytree(
                path,
                src / name,
                ignore=shutil.ignore_patterns('__pycache__', '.mim',
                                              '*.egg-info'))
        else:
            shutil.copy(path, src / name)
    zoo_root, release, filename, sha = make_zoo(tmp_path)
    shutil.copytree(osp.join(zoo_root, 'configs'), src / 'configs')
    shutil.copy(osp.join(zoo_root, 'model-index.yml'), src)
    target = tmp_path / 'site'
    env = {
        k: v
        for k, v in os.environ.items() if not k.startswith('DEFECTZOO_')
    }
    env['PYTHONPATH'] = str(target)
    with serve(release) as (url, server):
        meta = src / 'configs' / 'tiny' / 'metafile.yml'
        meta.write_text(meta.read_text().replace(
            'https://example.invalid/releases/', url))
        _run([
            sys.executable, '-m', 'pip', 'install', '--no-deps',
            '--no-build-isolation', '--no-index', '-q', '--target',
            str(target),
            str(src)
        ], env, str(tmp_path))
        mim_dir = target / 'defectzoo' / '.mim'
        assert (mim_dir / 'model-index.yml').is_file()
        assert (mim_dir / 'configs' / 'tiny' / 'tiny-cls_zoo.py').is_file()
        assert (mim_dir / 'tools' / 'infer.py').is_file()
        # package data: the report page's template, style and script
        page = target / 'defectzoo' / 'visualization' / 'report'
        for name in ('report.html', 'report.css', 'report.js'):
            assert (page / name).is_file(), name

        found = _run([sys.executable, '-m', 'mim', 'search', 'defectzoo'], env,
                     str(tmp_path))
        assert 'tiny-cls_zoo' in found
        dest = tmp_path / 'dest'
        _run([
            sys.executable, '-m', 'mim', 'download', 'defectzoo', '--config',
            'tiny-cls_zoo', '--dest',
            str(dest)
        ], env, str(tmp_path))
        assert server.hits == ['/' + filename]
        assert (dest / 'tiny-cls_zoo.py').is_file()
        # mim checks no hash; the zoo's record (the installed index) does
        index = str(mim_dir)
        assert zoo.verify_file(str(dest / filename), root=index).sha256 == sha
        with open(dest / filename, 'ab') as f:
            f.write(b'tampered')
        with pytest.raises(zoo.ZooError, match=f'expected {sha}'):
            zoo.verify_file(str(dest / filename), root=index)
