"""model-index.yml and every metafile point at files that exist."""
import os.path as osp

import pytest
import yaml

from tests.conftest import REPO_ROOT


def _imports():
    with open(osp.join(REPO_ROOT, 'model-index.yml')) as f:
        return yaml.safe_load(f)['Import']


def test_every_metafile_is_indexed():
    import glob
    found = {
        osp.relpath(p, REPO_ROOT)
        for p in glob.glob(
            osp.join(REPO_ROOT, 'configs', '*', 'metafile.yml'))
    }
    assert found == set(_imports())


@pytest.mark.parametrize('metafile', _imports())
def test_metafile_entries_exist(metafile):
    with open(osp.join(REPO_ROOT, metafile)) as f:
        meta = yaml.safe_load(f)
    collections = {c['Name'] for c in meta['Collections']}
    for c in meta['Collections']:
        assert osp.isfile(osp.join(REPO_ROOT, c['README']))
        assert osp.isfile(osp.join(REPO_ROOT, c['Code']['URL']))
    names = [m['Name'] for m in meta['Models']]
    assert len(names) == len(set(names))
    for model in meta['Models']:
        assert model['In Collection'] in collections
        config = osp.join(REPO_ROOT, model['Config'])
        assert osp.isfile(config), config
        # weights run with another config than the one that trained them
        # (a distilled student: its own config, not the teachers') name the
        # training config in the metadata
        trained = (model.get('Metadata') or {}).get('Training Config')
        trained = osp.join(REPO_ROOT, trained) if trained else config
        assert osp.isfile(trained), trained
        assert osp.splitext(osp.basename(trained))[0] == model['Name']
        assert 'Weights' in model
