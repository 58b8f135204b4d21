"""zoo://: verified download from a local HTTP server, cache, mirror,
refusals, unknown names, and the scheme in mmengine's loaders."""
import os
import os.path as osp

import pytest
import torch
from mmengine.runner import CheckpointLoader

from defectzoo.cli.publish_model import process_checkpoint
from defectzoo.utils import zoo
from defectzoo.utils.zoo import ZooError
from tests.conftest import REPO_ROOT
from tests.helpers.zoo_server import no_partial_files, serve

NAME = 'tiny-cls_zoo'


def test_first_fetch_then_cache_hit(tiny_zoo, monkeypatch):
    with serve(tiny_zoo['release']) as (url, server):
        monkeypatch.setenv(zoo.ZOO_URL_ENV, url)
        path = zoo.fetch(NAME)
        assert path == osp.join(tiny_zoo['cache'], tiny_zoo['filename'])
        assert zoo.sha256sum(path) == tiny_zoo['sha']
        assert server.hits == ['/' + tiny_zoo['filename']]
        # cache hit: no second request, same file
        assert zoo.fetch(f'zoo://{NAME}') == path
        assert len(server.hits) == 1
        # the mmengine scheme (load_from / init_cfg / tools/test.py)
        ckpt = CheckpointLoader.load_checkpoint(f'zoo://{NAME}')
        assert 'state_dict' in ckpt and len(server.hits) == 1


def test_tampered_download_refused_and_deleted(tiny_zoo, monkeypatch):
    with open(osp.join(tiny_zoo['release'], tiny_zoo['filename']), 'ab') as f:
        f.write(b'tampered')
    with serve(tiny_zoo['release']) as (url, _):
        monkeypatch.setenv(zoo.ZOO_URL_ENV, url)
        with pytest.raises(ZooError) as err:
            zoo.fetch(NAME)
    msg = str(err.value)
    assert 'sha256 mismatch' in msg and tiny_zoo['sha'] in msg
    got = msg.split('got ')[1][:64]
    assert len(got) == 64 and got != tiny_zoo['sha']
    assert not osp.exists(osp.join(tiny_zoo['cache'], tiny_zoo['filename']))
    assert no_partial_files(tiny_zoo['cache'])


def test_interrupted_transfer_leaves_nothing(tiny_zoo, monkeypatch):
    with serve(tiny_zoo['release']) as (url, server):
        server.truncate.add(tiny_zoo['filename'])
        monkeypatch.setenv(zoo.ZOO_URL_ENV, url)
        with pytest.raises(ZooError, match='incomplete|failed'):
            zoo.fetch(NAME)
        assert not osp.exists(
            osp.join(tiny_zoo['cache'], tiny_zoo['filename']))
        assert no_partial_files(tiny_zoo['cache'])
        # the next try (transfer complete) succeeds
        server.truncate.clear()
        assert zoo.sha256sum(zoo.fetch(NAME)) == tiny_zoo['sha']


def test_tampered_cache_refused_and_deleted(tiny_zoo, monkeypatch):
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    path = zoo.fetch(NAME)  # from the mirror, no network
    with open(path, 'r+b') as f:
        f.write(b'\0\0\0\0')
    with pytest.raises(ZooError, match='sha256 mismatch'):
        zoo.fetch(NAME)
    assert not osp.exists(path)
    assert zoo.sha256sum(zoo.fetch(NAME)) == tiny_zoo['sha']  # re-copied


def test_mirror_offline(tiny_zoo, monkeypatch):
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    monkeypatch.setenv(zoo.ZOO_URL_ENV, 'http://127.0.0.1:9/unreachable/')
    assert zoo.sha256sum(zoo.fetch(NAME)) == tiny_zoo['sha']


def test_unknown_and_unreleased_names(tiny_zoo):
    with pytest.raises(ZooError, match=f'nearest released names: {NAME}'):
        zoo.fetch('tiny-cls_zo')
    with pytest.raises(ZooError, match='no released weights'):
        zoo.fetch('tiny-cls_unreleased')


def test_verify_file(tiny_zoo, tmp_path):
    good = osp.join(tiny_zoo['release'], tiny_zoo['filename'])
    assert zoo.verify_file(good).name == NAME
    bad = tmp_path / tiny_zoo['filename']
    bad.write_bytes(open(good, 'rb').read() + b'x')
    with pytest.raises(ZooError, match='sha256 mismatch'):
        zoo.verify_file(str(bad))


def test_infer_tool_with_zoo_name_and_bad_name(tiny_zoo, tmp_path,
                                               monkeypatch):
    from tests.helpers.tiny_models import infer_main, write_images
    write_images(tmp_path / 'imgs', 2)
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    res = infer_main([
        NAME,
        str(tmp_path / 'imgs'), '--out-dir',
        str(tmp_path / 'out'), '--no-progress'
    ])
    assert res['summary']['predicted'] == 2
    assert res['model']['weights'] == f'zoo://{NAME}'
    with pytest.raises(SystemExit) as exc:
        infer_main([
            'tiny-cls_zooo',
            str(tmp_path / 'imgs'), '--out-dir',
            str(tmp_path / 'out2')
        ])
    assert "unknown model-zoo name 'tiny-cls_zooo'" in str(exc.value)
    assert f'nearest released names: {NAME}' in str(exc.value)


def test_repository_zoo_entries_are_consistent():
    """Every released entry names a config, a sha256 and a file named
    ``<name>_<date>-<sha256[:8]>.pth`` under the one base URL."""
    models = zoo.list_models(released_only=True, root=REPO_ROOT)
    for name, m in models.items():
        assert osp.isfile(m.config)
        assert m.weights == zoo.DEFAULT_BASE_URL + m.filename
        assert m.filename.startswith(name + '_')
        assert m.filename.endswith(f'-{m.sha256[:8]}.pth')
        assert len(m.sha256) == 64


def test_publish_model_strips_training_state(tmp_path):
    src = tmp_path / 'epoch_1.pth'
    torch.save(
        dict(
            state_dict={'w': torch.ones(2)},
            optimizer={'x': 1},
            message_hub={},
            meta=dict(dataset_meta=dict(classes=('a', ))),
            param_schedulers=[]), src)
    info = process_checkpoint(
        str(src), str(tmp_path / 'model.pth'), date='20261130')
    assert osp.basename(info['file']) == \
        f'model_20261130-{info["sha256"][:8]}.pth'
    assert zoo.sha256sum(info['file']) == info['sha256']
    ckpt = torch.load(info['file'], weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    assert not osp.exists(tmp_path / 'model.tmp.pth')


def test_publish_model_is_reproducible_and_fp16(tmp_path):
    """Run-specific meta (time, experiment name, config text with paths)
    is dropped, so two trainings' identical weights publish to identical
    bytes; ``fp16`` halves float weights and keeps integer buffers."""
    state = {'w': torch.arange(4.) / 3, 'n': torch.tensor(7)}
    files = []
    for run, out in (('a', 'x'), ('b', 'y')):
        src = tmp_path / f'{run}.pth'
        torch.save(
            dict(
                state_dict=state,
                random_states={'seed': run},
                meta=dict(
                    epoch=3,
                    time=f'2026120{len(files)}_1200',
                    experiment_name=f'run_{run}',
                    cfg=f"work_dir = '/home/{run}'",
                    dataset_meta=dict(classes=('a', )))), src)
        os.makedirs(tmp_path / out)
        files.append(
            process_checkpoint(
                str(src),
                str(tmp_path / out / 'model.pth'),
                date='20261207',
                fp16=True))
    assert files[0]['sha256'] == files[1]['sha256']
    ckpt = torch.load(files[0]['file'], weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    assert ckpt['meta'] == dict(epoch=3, dataset_meta=dict(classes=('a', )))
    assert ckpt['state_dict']['w'].dtype == torch.float16
    assert ckpt['state_dict']['n'].dtype == torch.int64
    torch.testing.assert_close(
        ckpt['state_dict']['w'].float(), state['w'], atol=1e-3, rtol=0)


def test_zoo_scheme_in_init_cfg(tiny_zoo, monkeypatch):
    """init_cfg=dict(type='Pretrained', checkpoint='zoo://NAME', prefix=)
    loads the zoo file's weights (as the NEU-DET config does)."""
    from mmengine.model import BaseModule
    from mmpretrain.models import ResNet
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    backbone = ResNet(
        depth=18,
        stem_channels=8,
        base_channels=8,
        init_cfg=dict(
            type='Pretrained', checkpoint=f'zoo://{NAME}', prefix='backbone.'))
    assert isinstance(backbone, BaseModule)
    backbone.init_weights()
    want = torch.load(
        osp.join(tiny_zoo['release'], tiny_zoo['filename']),
        weights_only=True)['state_dict']
    assert torch.equal(backbone.conv1.weight, want['backbone.conv1.weight'])
