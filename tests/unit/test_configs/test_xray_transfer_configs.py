"""X-ray transfer configs: detectors (3 inits x 3 backbones + GDXray) and
linear probes load and build; the probe freezes the whole backbone."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

from tests.conftest import CONFIGS
from tests.helpers.config_cache import load_config

DET = sorted(glob.glob(osp.join(CONFIGS, 'xray', 'faster-rcnn-fpn_*.py')))
PROBE = sorted(glob.glob(osp.join(CONFIGS, 'xray', 'linear-probe_*.py')))


def test_all_variants_present():
    names = {osp.basename(p) for p in DET}
    for bb, ssl, optim in (('r50', 'simsiam', 'sgd'), ('swin-t-p4-w7',
                                                       'simmim', 'adamw'),
                           ('swin-b-p4-w7', 'simmim', 'adamw')):
        for init in (f'{ssl}-xray', 'imagenet', 'scratch'):
            assert (f'faster-rcnn-fpn_{bb}-{init}_1xb2-{optim}-1x_xray-512px'
                    '.py') in names
    assert sum('gdxray' in n for n in names) >= 2
    assert len(PROBE) == 4


@pytest.mark.parametrize('path', DET, ids=osp.basename)
def test_det_config(path):
    cfg = load_config(path)
    assert cfg.default_scope == 'defectzoo'
    assert cfg.custom_imports.imports == ['defectzoo']
    assert cfg.model._scope_ == 'mmdet'
    # the mmdet 1x schedule, except the model zoo's CPU-sized detector
    assert cfg.train_cfg.max_epochs == (12 if '-1x_' in path else 6)
    assert cfg.train_dataloader.dataset.pipeline[0].type == 'LoadXRayImage'
    assert cfg.test_evaluator.type == 'XRayDetMetric'
    gd = 'gdxray' in path
    assert cfg.model.roi_head.bbox_head.num_classes == (1 if gd else 2)
    assert cfg.test_evaluator.critical_class == ('defect'
                                                 if gd else 'critical')
    bb = cfg.model.backbone
    if 'swin-t' in path:
        assert cfg.model.neck.in_channels == [96, 192, 384, 768]
    if 'swin-b' in path:
        assert cfg.model.neck.in_channels == [128, 256, 512, 1024]
    init = bb.get('init_cfg')
    if 'scratch' in path:
        assert init is None
    elif '-xray_' in osp.basename(path):
        assert init.checkpoint == cfg.ssl_checkpoint
        assert bb.get('convert_weights', False) is False
    else:
        assert init.checkpoint == cfg.imagenet_checkpoint


def test_build_swin_b_detector():
    cfg = load_config(
        osp.join(
            CONFIGS, 'xray',
            'faster-rcnn-fpn_swin-b-p4-w7-scratch_1xb2-adamw-1x_xray-512px.py')
    )
    import defectzoo  # noqa: F401
    from defectzoo.registry import MODELS
    init_default_scope('defectzoo')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'FasterRCNN'
    assert len(model.backbone.stages) == 4
    assert len(model.backbone.stages[2].blocks) == 18
    assert model.neck.in_channels == [128, 256, 512, 1024]


def test_linear_probe_frozen(tmp_path, xray_root):
    """ResNet-18 probe from a SimSiam-style checkpoint: weights loaded,
    every backbone weight frozen, image labels follow the critical rule."""
    from mmpretrain.models import ResNet

    import defectzoo  # noqa: F401
    from defectzoo.registry import DATASETS, MODELS
    init_default_scope('defectzoo')
    ssl = ResNet(depth=18)
    ckpt = tmp_path / 'simsiam.pth'
    torch.save(
        dict(
            state_dict={
                **{
                    'backbone.' + k: v
                    for k, v in ssl.state_dict().items()
                }, 'neck.w': torch.zeros(1)
            }), ckpt)
    cfg = load_config(
        osp.join(
            CONFIGS, 'xray',
            'linear-probe_r50-simsiam-xray_1xb32-sgd-50e_xray-cls-224px.py'))
    cfg.model.backbone.update(
        depth=18,
        init_cfg=dict(
            type='Pretrained', checkpoint=str(ckpt), prefix='backbone.'))
    cfg.model.head.in_channels = 512
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    torch.testing.assert_close(model.backbone.conv1.weight, ssl.conv1.weight)
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert all(p.requires_grad for p in model.head.parameters())
    assert not model.backbone.training or all(
        not m.training for m in model.backbone.modules()
        if isinstance(m, torch.nn.BatchNorm2d))

    ds_cfg = dict(cfg.val_dataloader.dataset)
    ds_cfg.update(data_root=xray_root, synthetic=None)
    ds = DATASETS.build(ds_cfg)
    with open(osp.join(xray_root, 'annotations', 'val.json')) as f:
        coco = json.load(f)
    crit = {
        a['image_id']
        for a in coco['annotations'] if a['category_id'] == 1
    }
    imgs = sorted(coco['images'], key=lambda i: i['id'])
    assert [d['gt_label'] for d in ds.load_data_list()] == \
        [0 if i['id'] in crit else 1 for i in imgs]
    data = model.data_preprocessor(
        dict(
            inputs=[ds[i]['inputs'] for i in range(2)],
            data_samples=[ds[i]['data_samples'] for i in range(2)]), True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss'])


@pytest.mark.parametrize('path', PROBE, ids=osp.basename)
def test_probe_config(path):
    cfg = load_config(path)
    assert cfg.model._scope_ == 'mmpretrain'
    assert cfg.model.head.num_classes == 2
    assert [m.type for m in cfg.val_evaluator
            ] == ['mmpretrain.Accuracy', 'mmpretrain.AveragePrecision']
    bb = cfg.model.backbone
    assert bb.frozen_stages == (4 if bb.type == 'ResNet' else 3)
