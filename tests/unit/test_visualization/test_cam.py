"""Grad-CAM family: shape and range, a known-location toy, the tool on a
classifier and per box on a detector, bad target layers."""
import importlib.util
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.registry import DefaultScope

from defectzoo.cli import vis_cam as vis_cam_cli
from defectzoo.registry import MODELS
from defectzoo.visualization import (ClassifierCAM, DetectorCAM,
                                     cam_energy_in_mask, default_target_layer,
                                     resolve_layer)
from tests.conftest import write_config
from tests.helpers.lightweight_fixtures import (make_folder_dataset,
                                                tiny_cls_config,
                                                tiny_cls_model,
                                                tiny_mvgg19_model,
                                                tiny_scl_gallery_model)

MMDET_MODELS = osp.join(
    osp.dirname(importlib.util.find_spec('mmdet').origin), '.mim', 'configs',
    '_base_', 'models')


class CornerMask(nn.Module):
    """Keeps the top-left quarter of the feature map, zeroes the rest."""

    def forward(self, x):
        mask = torch.zeros_like(x)
        mask[:, :, :x.shape[2] // 2, :x.shape[3] // 2] = 1
        return x * mask


class CornerClassifier(BaseModel):
    """A two-class model whose only evidence is the top-left corner."""

    def __init__(self):
        super().__init__(
            data_preprocessor=dict(
                type='mmpretrain.ClsDataPreprocessor',
                mean=[0, 0, 0],
                std=[255, 255, 255]))
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), CornerMask())
        self.head = nn.Linear(4, 2)
        with torch.no_grad():
            self.backbone[0].weight.abs_()
            self.backbone[0].bias.fill_(0.1)
            self.head.weight.copy_(torch.tensor([[1.0] * 4, [-1.0] * 4]))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.head(self.backbone(inputs).mean((2, 3)))


@pytest.mark.parametrize('method',
                         ['gradcam', 'gradcam++', 'scorecam', 'eigencam'])
def test_corner_model_lights_its_corner(method):
    torch.manual_seed(0)
    cam = ClassifierCAM(CornerClassifier(), method, ['backbone.2'])
    images = torch.rand(2, 3, 32, 32) * 255
    heat, pred = cam(images, target_category=0)
    assert heat.shape == (2, 32, 32)
    assert heat.min() >= 0 and heat.max() <= 1 and heat.max() > 0.5
    corner = np.zeros((32, 32))
    corner[:16, :16] = 1
    for h in heat:
        assert cam_energy_in_mask(h, corner) > 0.95


def test_cam_energy_in_mask():
    mask = np.zeros((4, 4))
    mask[:2] = 1
    assert cam_energy_in_mask(np.ones((4, 4)), mask) == 0.5  # area fraction
    assert cam_energy_in_mask(mask * 3, mask) == 1.0
    assert cam_energy_in_mask(np.zeros((4, 4)), mask) == 0.0


def test_default_layers_and_bad_layer():
    with DefaultScope.overwrite_default_scope('defectzoo'):
        resnet = MODELS.build(tiny_cls_model())
        vgg = MODELS.build(
            dict(
                tiny_cls_model(),
                backbone=dict(type='MVGG19', taps=('pool1', 'conv2_2'))))
    assert default_target_layer(resnet) == 'backbone.layer4'
    layer = default_target_layer(vgg)
    assert layer.startswith('backbone.features.')
    assert isinstance(resolve_layer(vgg, layer).conv, nn.Conv2d)
    with pytest.raises(
            ValueError,
            match=r"'backbone.layer5' does not exist"
            r".*did you mean.*backbone.layer4.*--target-layers"):
        resolve_layer(resnet, 'backbone.layer5')
    with pytest.raises(ValueError, match='unknown CAM method'):
        ClassifierCAM(resnet, 'magiccam')


def test_tool_on_a_classifier(tmp_path):
    data = make_folder_dataset(tmp_path / 'data')
    cfg = tiny_cls_config(tmp_path / 'tiny.py', data)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        model = MODELS.build(tiny_cls_model())
    ckpt = str(tmp_path / 'tiny.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    img = osp.join(data, 'spot', '0.png')
    out = vis_cam_cli.run([
        cfg, ckpt, img, '--out-dir',
        str(tmp_path / 'cam'), '--method', 'gradcam++'
    ])
    assert out == [str(tmp_path / 'cam' / '0_gradcam++.png')]
    assert cv2.imread(out[0]).shape == (32, 32, 3)
    with pytest.raises(ValueError, match='does not exist'):
        vis_cam_cli.main([
            cfg, ckpt, img, '--target-layers', 'neck.conv9', '--out-dir',
            str(tmp_path / 'cam')
        ])


def test_detector_one_cam_per_box(tmp_path):
    cfg = write_config(
        tmp_path / 'det.py', f"""
        _base_ = [{osp.join(MMDET_MODELS, 'retinanet_r50_fpn.py')!r}]
        default_scope = 'mmdet'
        model = dict(
            backbone=dict(depth=18, init_cfg=None, stem_channels=16,
                          base_channels=16),
            neck=dict(in_channels=[16, 32, 64, 128], out_channels=16),
            bbox_head=dict(in_channels=16, feat_channels=16, num_classes=2),
            test_cfg=dict(score_thr=0.0, nms_pre=50, max_per_img=3))
        """)
    from defectzoo.apis import init_model
    torch.manual_seed(0)
    model = init_model(cfg)
    cam = DetectorCAM(model, 'gradcam')
    assert cam.target_layers == ['backbone.layer4']
    boxes = cam(torch.rand(3, 64, 64) * 255, score_thr=0.0, max_boxes=2)
    assert len(boxes) == 2
    for box, label, score, heat in boxes:
        assert box.shape == (4, ) and label in (0, 1)
        assert heat.shape == (64, 64) and 0 <= heat.min() <= heat.max() <= 1


def test_mvgg19_multipath_and_gallery_classifier():
    mvgg = tiny_mvgg19_model()
    scl = tiny_scl_gallery_model(mean=[0, 0, 0], std=[255, 255, 255])
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        models = [MODELS.build(mvgg).eval(), MODELS.build(scl).eval()]
    models[1].set_gallery(torch.randn(6, 16), torch.arange(6) % 3)
    for model, method in zip(models, ('gradcam', 'scorecam')):
        heat, pred = ClassifierCAM(model, method)(
            torch.rand(2, 3, 32, 32) * 255)
        assert heat.shape == (2, 32, 32) and pred.shape == (2, )
        assert 0 <= heat.min() and heat.max() <= 1


def test_defect_aux_net_classification_head(tmp_path):
    """The tool explains Defect-Aux-Net's classification head (its last
    ResNet stage by default) on a bare image through the config's
    magnetic-tile pipeline (mask loading and box derivation dropped)."""
    from tests.unit.test_models.test_defect_aux_net import build as build_aux
    from tests.unit.test_models.test_defect_aux_net import tiny_cfg
    model = build_aux().eval()
    cam = ClassifierCAM(model, 'gradcam')
    assert cam.target_layers == ['backbone.layer4']
    heat, pred = cam(torch.rand(2, 3, 64, 64) * 255)
    assert heat.shape == (2, 64, 64) and pred.shape == (2, )
    assert 0 <= heat.min() <= heat.max() <= 1
    ckpt = str(tmp_path / 'aux.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    cfg = write_config(
        tmp_path / 'aux.py', f"""
        default_scope = 'defectzoo'
        model = {tiny_cfg().to_dict()!r}
        test_dataloader = dict(dataset=dict(pipeline=[
            dict(type='LoadImageChecked'),
            dict(type='mmdet.Resize', scale=(64, 64), keep_ratio=False),
            dict(type='LoadDefectMask', allow_missing=False),
            dict(type='MaskToInstances', num_classes=2),
            dict(type='PackMultiTaskInputs')]))
        """)
    img = str(tmp_path / 'part.png')
    cv2.imwrite(img, np.full((80, 96, 3), 120, np.uint8))
    out = vis_cam_cli.run([cfg, ckpt, img, '--out-dir', str(tmp_path / 'cam')])
    assert out == [str(tmp_path / 'cam' / 'part_gradcam.png')]
    # drawn on the input image, at its size (the model saw 64 x 64)
    painted = cv2.imread(out[0])
    assert painted.shape == (80, 96, 3)
