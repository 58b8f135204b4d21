"""configs/scl_arcmargin: every config builds its model with as many classes
as its data set has; the SCL + ArcMargin ones follow the paper's Table I and
have a gallery wherever they predict with one; the SimCLR stage-0
checkpoint fits the models that load it and never sees their test images."""
import glob
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from defectzoo.registry import DATASETS, MODELS
from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config

SCL_DIR = osp.join(CONFIGS, 'scl_arcmargin')
ALL = sorted(glob.glob(osp.join(SCL_DIR, '*.py')))
SCL = [p for p in ALL if osp.basename(p).startswith('scl-arcmargin')]
SIMCLR = [p for p in ALL if osp.basename(p).startswith('simclr')]
R50_20SHOT = osp.join(SCL_DIR,
                      'scl-arcmargin_r50_1xb32-adam-100e_neu-20shot-224px.py')
R18_20SHOT = osp.join(
    SCL_DIR, 'scl-arcmargin_r18-simclr-neu_1xb32-'
    'adam-30e_neu-20shot-96px.py')
NATIVE_20SHOT = osp.join(
    SCL_DIR, 'scl-arcmargin_r18-simclr-neu-native_'
    '1xb32-adam-30e_neu-20shot-200px.py')


def ids(paths):
    return [osp.basename(p) for p in paths]


def build(cfg):
    init_default_scope('defectzoo')
    return MODELS.build(cfg.model)


def innermost(ds):
    """The data set config under subset / wrapper configs."""
    while 'dataset' in ds:
        ds = ds['dataset']
    return ds


def num_classes_of(ds, cfg=None):
    ds = innermost(ds)
    if 'metainfo' in ds and 'classes' in ds['metainfo']:
        return len(ds['metainfo']['classes'])
    if ds['type'] == 'ImageFolderClsDataset':
        # class folders of the user's data: the config's num_classes
        return len(ds['classes']) if ds.get('classes') else cfg.num_classes
    cls = DATASETS.get(ds['type'])
    return len(cls.METAINFO['classes'])


def test_configs_found():
    assert R50_20SHOT in SCL and R18_20SHOT in SCL and NATIVE_20SHOT in SCL
    assert len(SIMCLR) == 2


@pytest.mark.parametrize('path', ALL, ids=ids(ALL))
def test_builds_its_model(path):
    cfg = load_config(path)
    assert cfg.default_scope == 'defectzoo'
    model = build(cfg)
    model.eval()
    g = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 64, 64, generator=g)
    with torch.no_grad():
        feats = model.extract_feat(x)
    if type(model).__name__ == 'SCLArcMarginClassifier':
        assert feats.shape == (2, 128)
        with torch.no_grad():
            z = model(x, mode='tensor')
        torch.testing.assert_close(z.norm(dim=1), torch.ones(2))
    elif not osp.basename(path).startswith('simclr'):
        # a classifier: as many classes as the training data set
        n = num_classes_of(cfg.train_dataloader.dataset, cfg)
        assert model.head.num_classes == n
        with torch.no_grad():
            assert model(x, mode='tensor').shape == (2, n)


@pytest.mark.parametrize('path', SCL, ids=ids(SCL))
def test_scl_arcmargin_recipe(path):
    cfg = load_config(path)
    model = build(cfg)
    # Table I: batch 32, Adam lr 5e-4, tau 0.5, m 0.5, d 128; 0.75 / 0.25
    # (lr 1e-4 for the native recipe: from a native-scale SimCLR start)
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.optim_wrapper.optimizer.type == 'Adam'
    lr = 1e-4 if 'simclr-neu-native' in path else 5e-4
    assert cfg.optim_wrapper.optimizer.lr == lr
    assert type(model).__name__ == 'SCLArcMarginClassifier'
    assert model.con_loss.temperature == 0.5
    assert model.con_loss.loss_weight == 0.75
    assert model.head.loss_module.loss_weight == 0.25
    assert model.head.scale == 30.0
    assert model.neck.fc0.out_features == model.neck.fc1.in_features
    assert model.head.in_channels == 128
    n = num_classes_of(cfg.train_dataloader.dataset, cfg)
    assert model.num_classes == n
    assert model.head.margins.tolist() == [0.5] * n
    # three views: the original + two random ones; right-angle turns, no
    # colour jitter
    views = [
        t for t in innermost(cfg.train_dataloader.dataset).pipeline
        if t.type == 'mmpretrain.MultiView'
    ]
    assert len(views) == 1 and views[0].num_views == [1, 2]
    kinds = [t.type.split('.')[-1] for t in views[0].transforms[1]]
    assert 'RandomRot90' in kinds and 'RandomFlip' in kinds
    assert not any('Color' in k for k in kinds)


@pytest.mark.parametrize('path', SCL, ids=ids(SCL))
def test_gallery_wherever_it_is_needed(path):
    cfg = load_config(path)
    hooks = [
        h for h in cfg.get('custom_hooks', [])
        if h.type.split('.')[-1] == 'ReferenceGalleryHook'
    ]
    if cfg.model.classifier == 'gallery':
        # predict() without a gallery raises: the hook must build it, from
        # a dataloader the config has
        assert len(hooks) == 1
        key = hooks[0].get('dataloader', 'gallery_dataloader')
        gallery = cfg[key]
        assert gallery is not None
        assert not gallery.sampler.shuffle
        train = cfg.train_dataloader.dataset
        # the same training images as the training set, test pipeline
        if gallery.dataset.type.endswith('KPerClassSubset'):
            assert train.type.endswith('KPerClassSubset')
            assert (gallery.dataset.k, gallery.dataset.seed) == (train.k,
                                                                 train.seed)
        inner, train_inner = innermost(gallery.dataset), innermost(train)
        for field in ('type', 'data_root', 'split', 'data_prefix'):
            assert inner.get(field) == train_inner.get(field), field
        assert inner.pipeline == cfg.test_pipeline
        assert num_classes_of(gallery.dataset, cfg) == \
            cfg.model.head.num_classes
        test = innermost(cfg.test_dataloader.dataset)
        assert (test.get('split'),
                test.get('data_prefix')) != (inner.get('split'),
                                             inner.get('data_prefix'))
    else:
        assert cfg.model.classifier == 'arcface'
        for hook in hooks:
            assert cfg.get(hook.get('dataloader', 'gallery_dataloader'))


NEU_SIZES = {  # (original view, random views, gallery / test) for 200 px
    R50_20SHOT: (224, 224, 224),
    R18_20SHOT: (96, 96, 96),
    NATIVE_20SHOT: (200, 96, 200),  # whole image + native-scale crops
}


@pytest.mark.parametrize('path', list(NEU_SIZES), ids=ids(NEU_SIZES))
def test_neu_pipelines_on_a_grey_image(path, tmp_path):
    import cv2
    img_path = str(tmp_path / 'crazing_1.jpg')
    cv2.imwrite(img_path, np.full((200, 200), 128, np.uint8))
    cfg = load_config(path)
    original, crop, test = NEU_SIZES[path]
    init_default_scope('defectzoo')
    np.random.seed(0)
    out = Compose(innermost(cfg.train_dataloader.dataset).pipeline)(
        dict(img_path=img_path, gt_label=0))
    assert [tuple(v.shape[1:])
            for v in out['inputs']] == [(original, original), (crop, crop),
                                        (crop, crop)]
    for loader in (cfg.gallery_dataloader, cfg.test_dataloader):
        out = Compose(innermost(loader.dataset).pipeline)(
            dict(img_path=img_path, gt_label=0))
        assert tuple(out['inputs'].shape) == (3, test, test)


def simclr_users():
    return [
        p for p in ALL
        if 'simclr_neu' in str(load_config(p).get('pretrained'))
    ]


@pytest.mark.parametrize('path', simclr_users(), ids=ids(simclr_users()))
def test_simclr_checkpoint_fits(path, tmp_path):
    cfg = load_config(path)
    [simclr_path] = [
        p for p in SIMCLR
        if ('native' in p) == ('simclr_neu_native' in cfg.pretrained)
    ]
    simclr_cfg = load_config(simclr_path)
    # the checkpoint the stage-0 config writes last
    epochs = simclr_cfg.train_cfg.max_epochs
    assert re.search(rf'epoch_{epochs}\.pth$', cfg.pretrained), cfg.pretrained
    assert cfg.model.init_cfg.type == 'Pretrained'
    assert cfg.model.init_cfg.checkpoint == cfg.pretrained
    simclr = build(simclr_cfg).state_dict()
    model = build(cfg).state_dict()
    shared = [
        k for k in model
        if k.startswith(('backbone.',
                         'neck.')) and not k.endswith('num_batches_tracked')
    ]
    assert any(k.startswith('backbone.') for k in shared)
    for key in shared:
        assert key in simclr, key
        assert simclr[key].shape == model[key].shape, key

    # stage 0 sees the non-test side of the same seeded split only: on a
    # NEU fixture its images and this config's test images are disjoint
    from tests.helpers.defect_fixtures import make_neu
    root = make_neu(str(tmp_path / 'neu'), per_class=5)
    pretrain = innermost(simclr_cfg.train_dataloader.dataset)
    test = innermost(cfg.test_dataloader.dataset)
    assert pretrain.data_root == test.data_root
    init_default_scope('defectzoo')

    def paths(ds):
        ds = dict(ds, data_root=root, pipeline=[])
        return {d['img_path'] for d in DATASETS.build(ds).load_data_list()}

    seen, tested = paths(pretrain), paths(test)
    assert seen and tested
    assert not seen & tested


def test_image_folder_config_reads_class_folders(tmp_path):
    import cv2
    rng = np.random.default_rng(0)
    for split, n in (('train', 3), ('test', 2)):
        for name in ('dent', 'scratch'):
            folder = tmp_path / split / name
            folder.mkdir(parents=True)
            for i in range(n):
                img = rng.integers(0, 255, (40, 50), dtype=np.uint8)
                assert cv2.imwrite(str(folder / f'{i}.png'), img)
    cfg = load_config(
        osp.join(SCL_DIR,
                 'scl-arcmargin_r50_1xb32-adam-100e_image-folder-224px.py'))
    init_default_scope('defectzoo')
    sizes = {}
    for key in ('train_dataloader', 'gallery_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = str(tmp_path)
        ds = DATASETS.build(cfg[key].dataset)
        assert ds.metainfo['classes'] == ('dent', 'scratch')
        sizes[key] = len(ds)
        sample = ds[0]
        views = sample['inputs']
        if key == 'train_dataloader':
            assert [v.shape for v in views] == [(3, 224, 224)] * 3
        else:
            assert views.shape == (3, 224, 224)
    assert sizes == dict(
        train_dataloader=6, gallery_dataloader=6, test_dataloader=4)
