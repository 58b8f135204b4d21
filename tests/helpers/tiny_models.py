"""Tiny configs + checkpoints of each task for the inferencer tests."""
import os.path as osp
import textwrap

import cv2
import numpy as np
import torch
from mmdet.models.detectors import BaseDetector
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope
from mmengine.structures import InstanceData

import defectzoo  # noqa: F401
from defectzoo.cli import infer as infer_cli

CLS_CLASSES = ('ok', 'scratch', 'pit')
DET_CLASSES = ('crack', 'pore')
SEG_CLASSES = ('background', 'defect')
_RUNTIME = """
default_scope = 'defectzoo'
custom_imports = dict(imports=['defectzoo'], allow_failed_imports=False)
visualizer = dict(type='Visualizer')
"""

CLS = _RUNTIME + """
model = dict(
    type='mmpretrain.ImageClassifier',
    data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                           num_classes=3, mean=[128.] * 3, std=[64.] * 3,
                           to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                  base_channels=8, out_indices=(3, )),
    neck=dict(type='mmpretrain.GlobalAveragePooling'),
    head=dict(type='mmpretrain.LinearClsHead', num_classes=3, in_channels=64,
              loss=dict(type='mmpretrain.CrossEntropyLoss')))
test_dataloader = dict(dataset=dict(type='ImageFolderClsDataset', pipeline=[
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(32, 32)),
    dict(type='mmpretrain.PackInputs')]))
"""

# The root cause: an unprefixed defectzoo backbone inside
# mmpretrain's ImageClassifier.
MVGG = CLS.replace(
    "backbone=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,\n"
    "                  base_channels=8, out_indices=(3, )),",
    "backbone=dict(type='MVGG19', taps=('conv5_3', )),").replace(
        'in_channels=64', 'in_channels=512')

DET = _RUNTIME + """
load = dict(type='LoadImageChecked')
model = dict(
    _scope_='mmdet', type='RetinaNet',
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[128.] * 3,
                           std=[64.] * 3, bgr_to_rgb=True,
                           pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=18, base_channels=8,
                  out_indices=(1, 2, 3), norm_eval=False),
    neck=dict(type='FPN', in_channels=[16, 32, 64], out_channels=16,
              start_level=0, add_extra_convs='on_input', num_outs=3),
    bbox_head=dict(
        type='RetinaHead', num_classes=2, in_channels=16, stacked_convs=1,
        feat_channels=16,
        anchor_generator=dict(type='AnchorGenerator', octave_base_scale=4,
                              scales_per_octave=1, ratios=[1.0],
                              strides=[8, 16, 32]),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[.0] * 4,
                        target_stds=[1.0] * 4),
        loss_cls=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0,
                      alpha=0.25, loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    test_cfg=dict(nms_pre=100, min_bbox_size=0, score_thr=0.0,
                  nms=dict(type='nms', iou_threshold=0.5),
                  max_per_img=20))
test_dataloader = dict(dataset=dict(type='CocoDetDataset', pipeline=[
    load,
    dict(type='mmdet.Resize', scale=(64, 64), keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.PackDetInputs', meta_keys=(
        'img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor'))]))
"""

XRAY_DET = DET.replace("load = dict(type='LoadImageChecked')",
                       "load = dict(type='LoadXRayImage', to_rgb=True)")

SEG = _RUNTIME + """
model = dict(
    _scope_='mmseg', type='EncoderDecoder',
    data_preprocessor=dict(type='SegDataPreProcessor', mean=[128.] * 3,
                           std=[64.] * 3, bgr_to_rgb=True),
    backbone=dict(type='ResNetV1c', depth=18, stem_channels=8,
                  base_channels=8, out_indices=(3, ), strides=(1, 2, 2, 2),
                  dilations=(1, 1, 1, 1)),
    decode_head=dict(type='FCNHead', in_channels=64, in_index=0, channels=8,
                     num_convs=1, concat_input=False, num_classes=2,
                     norm_cfg=dict(type='BN', requires_grad=True),
                     loss_decode=dict(type='CrossEntropyLoss')),
    test_cfg=dict(mode='whole'))
test_dataloader = dict(dataset=dict(type='ImageMaskFolderDataset', pipeline=[
    dict(type='LoadImageChecked'),
    dict(type='mmseg.Resize', scale=(64, 64), keep_ratio=True),
    dict(type='LoadDefectMask'),
    dict(type='mmseg.PackSegInputs')]))
"""

GALLERY = _RUNTIME + """
model = dict(
    type='SCLArcMarginClassifier',
    data_preprocessor=dict(type='mmpretrain.SelfSupDataPreprocessor',
                           mean=[128.] * 3, std=[64.] * 3, to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                  base_channels=8, out_indices=(3, )),
    neck=dict(type='mmpretrain.NonLinearNeck', in_channels=64,
              hid_channels=32, out_channels=16, num_layers=2,
              with_avg_pool=True),
    head=dict(type='mmpretrain.ArcFaceClsHead', num_classes=3,
              in_channels=16),
    classifier='gallery')
test_dataloader = dict(dataset=dict(type='ImageFolderClsDataset', pipeline=[
    dict(type='LoadImageChecked'),
    dict(type='mmpretrain.Resize', scale=(32, 32)),
    dict(type='mmpretrain.PackInputs')]))
"""


def _aux_text():
    """Defect-Aux-Net at 1/8 width with the magnetic-tile test pipeline
    (mask loading and box derivation are dropped for inference)."""
    from tests.unit.test_models.test_defect_aux_net import tiny_cfg
    return _RUNTIME + f"""
model = {tiny_cfg().to_dict()!r}
test_dataloader = dict(dataset=dict(type='MagneticTileSegDataset',
    pipeline=[
        dict(type='LoadImageChecked'),
        dict(type='mmdet.Resize', scale=(64, 64), keep_ratio=False),
        dict(type='LoadDefectMask', allow_missing=False),
        dict(type='MaskToInstances', num_classes=2),
        dict(type='PackMultiTaskInputs')]))
"""


# Sliced detection: a deterministic stand-in detector on 16-bit radiographs
# windowed per image (1st-99th percentile), enlarged 2x (nearest).
BLOB = _RUNTIME + """
model = dict(
    type='BrightBlobDetector',
    data_preprocessor=dict(type='mmdet.DetDataPreprocessor', mean=[0.] * 3,
                           std=[1.] * 3),
    test_cfg=dict(nms=dict(type='nms', iou_threshold=0.5), max_per_img=20))
test_dataloader = dict(dataset=dict(type='CocoDetDataset', pipeline=[
    dict(type='LoadXRayImage', percentiles=(1, 99), to_rgb=True),
    dict(type='mmdet.Resize', scale_factor=2.0, keep_ratio=True,
         interpolation='nearest'),
    dict(type='mmdet.PackDetInputs', meta_keys=(
        'img_path', 'ori_shape', 'img_shape', 'scale_factor',
        'xray_window'))]))
"""


@MODELS.register_module(force=True)
class BrightBlobDetector(BaseDetector):
    """One box (score 0.9, label 0) per 4-connected region brighter than
    127 of each input, in its original coordinates. Keeps the input
    batches (``seen``) and their metainfo (``seen_meta``)."""

    def __init__(self, data_preprocessor=None, test_cfg=None, init_cfg=None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = torch.nn.Conv2d(3, 2, 1)  # the OOD feature hook
        self.test_cfg = test_cfg
        self.seen, self.seen_meta = [], []

    def extract_feat(self, batch_inputs):
        return self.backbone(batch_inputs)

    def _forward(self, batch_inputs, batch_data_samples=None):
        return self.extract_feat(batch_inputs)

    def loss(self, batch_inputs, batch_data_samples):
        raise NotImplementedError

    def predict(self, batch_inputs, batch_data_samples, rescale=True):
        self.extract_feat(batch_inputs)
        self.seen.append(batch_inputs.clone())
        self.seen_meta.append([s.metainfo for s in batch_data_samples])
        for img, sample in zip(batch_inputs, batch_data_samples):
            bright = (img[0] > 127).cpu().numpy().astype(np.uint8)
            stats = cv2.connectedComponentsWithStats(bright, None, 4)[2]
            boxes = torch.tensor([[x, y, x + w, y + h]
                                  for x, y, w, h, _ in stats[1:]],
                                 dtype=torch.float32).reshape(-1, 4)
            if rescale:
                boxes /= boxes.new_tensor(sample.scale_factor).repeat(2)
            sample.pred_instances = InstanceData(
                bboxes=boxes,
                scores=torch.full((len(boxes), ), 0.9),
                labels=torch.zeros(len(boxes), dtype=torch.long))
        return batch_data_samples


TEXTS = dict(
    cls=CLS,
    mvgg=MVGG,
    det=DET,
    xray_det=XRAY_DET,
    seg=SEG,
    gallery=GALLERY,
    blob=BLOB)
CLASSES = dict(
    cls=CLS_CLASSES,
    mvgg=CLS_CLASSES,
    det=DET_CLASSES,
    xray_det=DET_CLASSES,
    seg=SEG_CLASSES,
    gallery=CLS_CLASSES,
    aux=SEG_CLASSES,
    blob=('defect', ))


def make_model(tmp_dir, kind, seed=0, meta_extra=None):
    """(config path, checkpoint path) of a tiny random model of ``kind``
    (``blob``: :class:`BrightBlobDetector`)."""
    cfg_path = osp.join(str(tmp_dir), f'{kind}.py')
    with open(cfg_path, 'w') as f:
        f.write(_aux_text() if kind == 'aux' else textwrap.dedent(TEXTS[kind]))
    cfg = Config.fromfile(cfg_path)
    torch.manual_seed(seed)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    if kind == 'gallery':
        model.set_gallery(
            torch.nn.functional.normalize(torch.randn(6, 16)),
            torch.tensor([0, 0, 1, 1, 2, 2]))
    if kind in ('det', 'aux'):  # a confident prior so that boxes pass 0.5
        head = model.bbox_head if kind == 'det' else model.det_head
        torch.nn.init.constant_(head.retina_cls.bias, 2.0)
    meta = dict(dataset_meta=dict(classes=CLASSES[kind]))
    meta.update(meta_extra or {})
    ckpt = osp.join(str(tmp_dir), f'{kind}.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=meta), ckpt)
    return cfg_path, ckpt


def write_images(folder, n=3, size=48, seed=0, bad=()):
    """``n`` random 8-bit images (+ ``bad`` names with broken content)."""
    import os
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        p = osp.join(str(folder), f'img_{i}.png')
        cv2.imwrite(p, rng.integers(0, 256, (size, size, 3), np.uint8))
        paths.append(p)
    for name in bad:
        with open(osp.join(str(folder), name), 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n not really a png')
    return paths


#: (x1, y1, x2, y2) of the defects of :func:`radiograph`; with 128 px
#: tiles overlapping by 32 px (x: 0-128, 96-224, 172-300; y: 0-128,
#: 72-200): across x = 128, across y = 128, in four windows, in the last
#: (shifted) window only, across both.
DEFECTS = ((120, 30, 150, 50), (30, 120, 50, 150), (100, 80, 120, 110),
           (260, 170, 290, 190), (122, 122, 140, 140))


def radiograph(width=300, height=200, defects=DEFECTS):
    """16-bit grey: a ramp 1000-3000 (left to right), defects at 20000.
    Windowed per window instead of per image, defect-free windows would
    stretch the ramp bright."""
    img = np.repeat(np.linspace(1000, 3000, width)[None], height, 0)
    for x1, y1, x2, y2 in defects:
        img[y1:y2, x1:x2] = 20000
    return img.astype(np.uint16)


def infer_main(argv):
    """``tools/infer.py`` (``defectzoo.cli.infer``) in this process: its
    results."""
    return infer_cli.run(argv)
