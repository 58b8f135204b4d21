"""configs/mvgg19: the paper's recipe, both models, all six data sets; the
NEU-CLS stage 0 of our benchmark loads into both models."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from defectzoo.registry import MODELS
from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config

MVGG19_CONFIGS = sorted(
    p for p in glob.glob(osp.join(CONFIGS, 'mvgg19', '*.py'))
    if osp.basename(p).startswith(('mvgg19_', 'ce_vgg19-conv5-3_')))
NEU_BASE = osp.join(CONFIGS, 'mvgg19',
                    'ce_vgg19bn_1xb32-adam-12e_neu-cls-96px.py')
DATASETS = ('magnetic-tile', 'casting', 'gc10-det', 'itodd', 'sdnet2018',
            'elpv')


def test_both_models_for_the_six_datasets():
    names = {osp.basename(p) for p in MVGG19_CONFIGS}
    for ds in DATASETS:
        assert f'mvgg19_vgg19_1xb32-adam-15e_{ds}-224px.py' in names
        assert f'ce_vgg19-conv5-3_1xb32-adam-15e_{ds}-224px.py' in names


@pytest.mark.parametrize(
    'path', MVGG19_CONFIGS, ids=[osp.basename(p) for p in MVGG19_CONFIGS])
def test_recipe_and_model(path):
    cfg = load_config(path)
    assert cfg.optim_wrapper.optimizer.type == 'Adam'
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.train_cfg.max_epochs == 15
    kinds = {t['type'].split('.')[-1] for t in cfg.train_pipeline}
    assert {'Rotate', 'Translate', 'RandomFlip',
            'BioMedicalGaussianNoise'} <= kinds
    # the train dataset is the k-fold pool; no val / test loader of its own
    assert cfg.val_dataloader is None and cfg.test_dataloader is None
    assert 'pipeline' in cfg.train_dataloader.dataset and cfg.test_pipeline
    init_default_scope('defectzoo')
    model = MODELS.build(cfg.model)
    assert model.backbone.frozen_stages == 5
    assert cfg.model.backbone.init_cfg.type == 'Pretrained'
    with torch.no_grad():
        feats = model.extract_feat(torch.zeros(1, 3, 64, 64))
    multipath = osp.basename(path).startswith('mvgg19')
    assert feats[-1].shape[1] == (1408 if multipath else 512)
    assert model.head.layers[0][0].out_features == 2500
    assert model.head.num_classes == cfg.model.data_preprocessor.num_classes


def test_train_pipeline_runs_on_a_grey_image(tmp_path):
    import cv2
    path = str(tmp_path / 'tile.jpg')
    cv2.imwrite(path, np.full((120, 90), 128, np.uint8))
    cfg = load_config(
        osp.join(CONFIGS, 'mvgg19',
                 'mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px.py'))
    init_default_scope('defectzoo')
    out = Compose(cfg.train_pipeline)(dict(img_path=path, gt_label=1))
    assert out['inputs'].shape == (3, 224, 224)
    assert out['inputs'].dtype == torch.float32


def test_neu_base_checkpoint_loads_into_both_models(tmp_path):
    """The stage-0 VGG19-BN (trained on NEU-CLS) initialises MVGG19 and the
    VGG19 baseline with ``norm_cfg=BN``: every conv / BN tensor arrives."""
    init_default_scope('defectzoo')
    base_cfg = load_config(NEU_BASE)
    assert base_cfg.model.head.num_classes == 6
    torch.manual_seed(0)
    base = MODELS.build(base_cfg.model)
    base.init_weights()
    with torch.no_grad():
        assert base(torch.zeros(2, 3, 64, 64)).shape == (2, 6)
    ckpt = str(tmp_path / 'epoch_12.pth')
    torch.save(dict(state_dict=base.state_dict(), meta=dict()), ckpt)
    expected = {
        k: v
        for k, v in base.backbone.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }
    for name in ('mvgg19_vgg19', 'ce_vgg19-conv5-3'):
        cfg = load_config(
            osp.join(CONFIGS, 'mvgg19',
                     f'{name}_1xb32-adam-15e_magnetic-tile-224px.py'))
        cfg.model.backbone.norm_cfg = dict(type='BN')
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=ckpt, prefix='backbone.')
        model = MODELS.build(cfg.model)
        model.init_weights()
        got = model.backbone.state_dict()
        assert set(expected) == {
            k
            for k in got if not k.endswith('num_batches_tracked')
        }
        for key, value in expected.items():
            torch.testing.assert_close(got[key], value, msg=key)
