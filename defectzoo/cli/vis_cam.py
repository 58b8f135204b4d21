"""Class activation maps of a classifier (or of Defect-Aux-Net's
classification head) or, per box, of a detector.

    python tools/visualization/vis_cam.py CONFIG CHECKPOINT IMG [IMG ...] \\
        [--method gradcam|gradcam++|scorecam|eigencam|...] \\
        [--target-layers backbone.layer4] [--target-category K] \\
        [--out-dir work_dirs/cam]

Images go through the config's test pipeline; for each image one overlay
PNG ``<out-dir>/<image>_<method>.png`` (detectors: one per box,
``<image>_<method>_box<i>.png`` with the box drawn) is written. The default
target layer is the last stage of a ResNet, the last convolution block of
other backbones (VGG19 / MVGG19); any name of ``model.named_modules()``
works.
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from defectzoo.apis import init_model, load_config
from defectzoo.apis.base import ANNOTATION_TRANSFORMS
from defectzoo.deploy.evaluate import find_pipeline
from defectzoo.visualization import ClassifierCAM, DetectorCAM, cam_methods
from .config_options import add_config_args
from .errors import reporting_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='+')
    parser.add_argument(
        '--method', default='gradcam', choices=sorted(cam_methods()))
    parser.add_argument(
        '--target-layers',
        nargs='+',
        help='module names (default: per backbone)')
    parser.add_argument(
        '--target-category',
        type=int,
        help='class index (default: the predicted class)')
    parser.add_argument('--out-dir', default='work_dirs/cam')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.3,
        help='detectors: boxes above this score')
    parser.add_argument('--max-boxes', type=int, default=5)
    add_config_args(parser)
    return parser.parse_args(argv)


def test_pipeline(cfg):
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    pipeline = loader and (loader.dataset.get('pipeline')
                           or find_pipeline(loader.dataset))
    if not pipeline:
        raise ValueError(f'{cfg.filename}: no test pipeline to load images')
    # no annotations to load for a bare image (as the inferencers)
    pipeline = [
        t for t in pipeline if not t['type'].endswith(ANNOTATION_TRANSFORMS)
    ]
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'defectzoo')):
        return Compose(pipeline)


def load_images(cfg, paths):
    """``(path, model input, input image)`` per path: the test pipeline's
    tensor, and the image as its loading transform reads it (the CAMs are
    drawn on it, at its own size)."""
    pipeline = test_pipeline(cfg)
    for path in paths:
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: no such image')
        data = pipeline(dict(img_path=path))
        loaded = pipeline.transforms[0](dict(img_path=path))['img']
        yield path, data['inputs'], data['data_samples'], loaded


def to_input_size(heat, box, sample, shape):
    """A CAM (and box) on the model input -> on the input image of
    ``shape``: padding cropped off (``img_shape``), resized back."""
    h, w = sample.metainfo.get('img_shape', heat.shape)[:2]
    heat = cv2.resize(
        np.ascontiguousarray(heat[:h, :w]), (shape[1], shape[0]),
        interpolation=cv2.INTER_LINEAR)
    if box is not None:
        box = np.asarray(box, np.float64) * np.tile(
            [shape[1] / w, shape[0] / h], 2)
    return heat, box


def image_float(img):
    """The loaded image (H x W [x C], 8 / 16-bit or float, BGR) as H x W x 3
    RGB float in [0, 1]."""
    img = np.asarray(img, np.float64)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    lo, hi = img.min(), img.max()
    img = (img - lo) / (hi - lo) if hi > 255 or lo < 0 else img / 255
    return np.ascontiguousarray(img[..., 2::-1]).clip(0, 1)


def overlay(image, cam, box=None):
    """The CAM over ``image`` (:func:`image_float`), and ``box``."""
    from pytorch_grad_cam.utils.image import show_cam_on_image
    vis = show_cam_on_image(image, cam.astype(np.float32), use_rgb=True)
    vis = cv2.cvtColor(vis, cv2.COLOR_RGB2BGR)
    if box is not None:
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(vis, (x1, y1), (x2, y2), (255, 255, 255), 1)
    return vis


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    model = init_model(cfg, args.checkpoint)
    from mmdet.models.detectors import BaseDetector

    # Defect-Aux-Net explains its classification head (a detector by
    # class, it is a classifier when it has one)
    is_det = isinstance(model, BaseDetector) and \
        not getattr(model, 'with_cls', False)
    cam = (DetectorCAM if is_det else ClassifierCAM)(model, args.method,
                                                     args.target_layers)
    classes = model.dataset_meta.get('classes')
    os.makedirs(args.out_dir, exist_ok=True)
    written = []
    for path, image, sample, loaded in load_images(cfg, args.images):
        stem = osp.splitext(osp.basename(path))[0]
        rgb = image_float(loaded)
        if is_det:
            boxes = cam(image, args.score_thr, args.max_boxes)
            if not boxes:
                print(f'{path}: no box above score {args.score_thr}')
            for i, (box, label, score, heat) in enumerate(boxes):
                heat, box = to_input_size(heat, box, sample, rgb.shape)
                out = osp.join(args.out_dir,
                               f'{stem}_{args.method}_box{i}.png')
                cv2.imwrite(out, overlay(rgb, heat, box))
                name = classes[label] if classes else label
                written.append(out)
                print(f'{out}: box {np.round(box, 1).tolist()} {name} '
                      f'{score:.2f}')
            continue
        heat, pred = cam(image[None], args.target_category)
        heat, _ = to_input_size(heat[0], None, sample, rgb.shape)
        out = osp.join(args.out_dir, f'{stem}_{args.method}.png')
        cv2.imwrite(out, overlay(rgb, heat))
        written.append(out)
        label = int(pred[0])
        print(f'{out}: predicted {classes[label] if classes else label}, '
              f'layer {cam.target_layers}')
    return written


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
