"""Tiny folder-per-class data and a tiny ResNet classifier config, shared by
the tests of distillation, quantisation, pruning, export and CAM."""
import os

import cv2
import numpy as np

from tests.conftest import CONFIGS, write_config

CLASSES = ('crack', 'ok', 'spot')


def make_folder_dataset(root, per_class=6, size=32):
    """``<root>/<class>/<i>.png``: grey level by class, plus noise."""
    rng = np.random.default_rng(0)
    for c, name in enumerate(CLASSES):
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i in range(per_class):
            img = rng.integers(0, 60, (size, size), dtype=np.uint8) + 90 * c
            cv2.imwrite(os.path.join(root, name, f'{i}.png'), img)
    return str(root)


def tiny_cls_model(num_classes=3, width=8):
    return dict(
        type='mmpretrain.ImageClassifier',
        data_preprocessor=dict(
            type='mmpretrain.ClsDataPreprocessor',
            num_classes=num_classes,
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            to_rgb=True),
        backbone=dict(
            type='mmpretrain.ResNet',
            depth=18,
            stem_channels=width,
            base_channels=width),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(
            type='mmpretrain.LinearClsHead',
            num_classes=num_classes,
            in_channels=width * 8,
            loss=dict(type='mmpretrain.CrossEntropyLoss')))


def tiny_mvgg19_model(**preprocessor):
    """MVGG19 (three taps) + MultiPathNeck + a 16-unit head, 3 classes."""
    return dict(
        type='mmpretrain.ImageClassifier',
        data_preprocessor=dict(
            type='mmpretrain.ClsDataPreprocessor',
            num_classes=3,
            **preprocessor),
        backbone=dict(type='MVGG19', taps=('pool1', 'pool2', 'conv3_1')),
        neck=dict(type='MultiPathNeck', in_channels=(64, 128, 256)),
        head=dict(
            type='LinearActNormClsHead',
            num_classes=3,
            in_channels=448,
            mid_channels=(16, ),
            loss=dict(type='mmpretrain.CrossEntropyLoss')))


def tiny_scl_gallery_model(**preprocessor):
    """SCL + ArcMargin on a width-16 ResNet-18 that classifies by its
    reference gallery (``set_gallery`` before use), 3 classes."""
    return dict(
        type='SCLArcMarginClassifier',
        data_preprocessor=dict(
            type='mmpretrain.SelfSupDataPreprocessor', **preprocessor),
        backbone=dict(
            type='mmpretrain.ResNet',
            depth=18,
            init_cfg=None,
            stem_channels=16,
            base_channels=16),
        neck=dict(
            type='mmpretrain.NonLinearNeck',
            in_channels=128,
            hid_channels=32,
            out_channels=16,
            num_layers=2,
            with_avg_pool=True),
        head=dict(
            type='mmpretrain.ArcFaceClsHead', num_classes=3, in_channels=16),
        classifier='gallery')


def tiny_cls_config(path, data_root, extra='', size=32):
    """A ResNet-18 (width 8) classifier on the folder set: 1 epoch, batch 4,
    test = train images."""
    return write_config(
        path, f"""
        _base_ = ['{CONFIGS}/_base_/default_runtime.py']
        model = {tiny_cls_model()!r}
        pipeline = [dict(type='LoadImageFromFile'),
                    dict(type='mmpretrain.Resize', scale=({size}, {size})),
                    dict(type='mmpretrain.PackInputs')]
        dataset = dict(type='mmpretrain.CustomDataset',
                       data_root={str(data_root)!r}, pipeline=pipeline)
        train_dataloader = dict(
            batch_size=4, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='default_collate'), dataset=dataset)
        test_dataloader = dict(train_dataloader,
                               sampler=dict(type='DefaultSampler',
                                            shuffle=False))
        test_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
        test_cfg = dict()
        optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
        train_cfg = dict(by_epoch=True, max_epochs=1)
        default_hooks = dict(logger=dict(interval=1),
                             checkpoint=dict(interval=1))
        log_processor = dict(window_size=1)
        """, extra)
