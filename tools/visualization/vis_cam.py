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
import sys

import cv2
import numpy as np
from mmengine.config import DictAction
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..', '..'))
from defectzoo.apis import init_model, load_config  # noqa: E402
from defectzoo.apis.base import ANNOTATION_TRANSFORMS  # noqa: E402
from defectzoo.deploy.evaluate import find_pipeline  # noqa: E402
from defectzoo.utils.launch import reporting_errors  # noqa: E402
from defectzoo.visualization import DetectorCAM  # noqa
from defectzoo.visualization import ClassifierCAM, cam_methods, to_rgb_float


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
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
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
    pipeline = test_pipeline(cfg)
    for path in paths:
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: no such image')
        yield path, pipeline(dict(img_path=path))['inputs']


def overlay(image, cam, box=None):
    from pytorch_grad_cam.utils.image import show_cam_on_image
    vis = show_cam_on_image(to_rgb_float(image), cam, use_rgb=True)
    vis = cv2.cvtColor(vis, cv2.COLOR_RGB2BGR)
    if box is not None:
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(vis, (x1, y1), (x2, y2), (255, 255, 255), 1)
    return vis


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
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
    for path, image in load_images(cfg, args.images):
        stem = osp.splitext(osp.basename(path))[0]
        if is_det:
            boxes = cam(image, args.score_thr, args.max_boxes)
            if not boxes:
                print(f'{path}: no box above score {args.score_thr}')
            for i, (box, label, score, heat) in enumerate(boxes):
                out = osp.join(args.out_dir,
                               f'{stem}_{args.method}_box{i}.png')
                cv2.imwrite(out, overlay(image, heat, box))
                name = classes[label] if classes else label
                written.append(out)
                print(f'{out}: box {np.round(box, 1).tolist()} {name} '
                      f'{score:.2f}')
            continue
        heat, pred = cam(image[None], args.target_category)
        out = osp.join(args.out_dir, f'{stem}_{args.method}.png')
        cv2.imwrite(out, overlay(image, heat[0]))
        written.append(out)
        label = int(pred[0])
        print(f'{out}: predicted {classes[label] if classes else label}, '
              f'layer {cam.target_layers}')
    return written


if __name__ == '__main__':
    main()
