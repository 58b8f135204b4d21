"""Export a model to ONNX (dynamic batch) and check it with ONNX Runtime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT \\
        --out model.onnx \\
        [--shape H W] [--raw]

- classifiers (mmpretrain ImageClassifier: ResNet, MVGG19, KD students;
  SCLArcMarginClassifier with its reference gallery inside the graph):
  ``image -> scores`` (softmax);
- segmentors (mmseg EncoderDecoder): ``image -> seg_logits`` at input size;
- one-stage detectors (mmdet RTMDet, RetinaNet, FCOS, ATSS, ...: a
  ``bbox_head`` with mmdet's ``predict_by_feat``) end to end, at a fixed
  ``--shape`` (default: the test pipeline's fixed ``Resize``), batch 1:
  ``image -> boxes (n, 4) x1 y1 x2 y2 in input pixels, scores (n),
  labels (n)`` after the head's ``test_cfg`` (score threshold, NMS as ONNX
  ``NonMaxSuppression``, ``max_per_img``; ``DeployDetector``), checked
  against PyTorch on 3 images;
- ``--raw`` (and the only way for two-stage detectors): backbone + neck +
  dense head raw outputs (``DeployDetectorRaw``: anchors, box decoding,
  NMS and a two-stage detector's RoI stage are not exported);
- Defect-Aux-Net: all its heads in one graph, ``image -> cls_scores,
  seg_logits, cls_score_<l>, bbox_pred_<l>`` (``DeployDefectAuxNet``; the
  detection head's outputs raw, as for detectors).

The input is ``image``: ``(N, 3, H, W)`` float 0-255 in the test pipeline's
channel order; normalisation is inside the graph. The tool runs the file
with ONNX Runtime on a batch of another size than the export's, prints
``max |ONNX - PyTorch|`` and writes it to ``<out>.json`` with the class
names and, for detectors, the input / output / post-processing spec.
"""
import argparse
import json
import os
import os.path as osp

import torch

from defectzoo.apis import init_model, load_config
from defectzoo.deploy import (DeployClassifier, DeployDefectAuxNet,
                              DeployDetectorRaw, DeploySegmentor, export_onnx,
                              onnx_max_abs_diff)
from defectzoo.deploy.detector import (DeployDetector, compare, is_detector,
                                       test_shape)
from defectzoo.deploy.evaluate import class_names
from defectzoo.deploy.quantize_ort import session
from defectzoo.models import DefectAuxNet
from .config_options import add_config_args
from .errors import reporting_errors

DETECTOR_NOT_EXPORTED = [
    'anchor generation and box decoding (bbox_head.predict_by_feat)',
    'score threshold and NMS (mmcv.ops.batched_nms)',
    'two-stage detectors: proposal selection, RoIAlign (mmcv op) and the '
    'RoI head (bbox classification / regression)',
]


def wrap(model, shape=None, raw=False):
    """The deploy wrapper of ``model`` and what it leaves out."""
    from mmseg.models.segmentors import BaseSegmentor
    if isinstance(model, DefectAuxNet):
        return DeployDefectAuxNet(model), \
            DETECTOR_NOT_EXPORTED[:2] if model.with_det else []
    if is_detector(model) and raw:
        return DeployDetectorRaw(model), DETECTOR_NOT_EXPORTED
    if is_detector(model):
        try:
            return DeployDetector(model, test_shape(model.cfg, shape)), []
        except ValueError as e:
            raise ValueError(f'{e}; --raw exports the raw head outputs '
                             '(no decoding, no NMS)') from e
    if isinstance(model, BaseSegmentor):
        return DeploySegmentor(model), []
    if getattr(model, 'head', None) is not None or \
            hasattr(model, 'gallery_similarity'):
        return DeployClassifier(model), []
    raise ValueError(
        f'{type(model).__name__}: not a classifier (no head), segmentor or '
        'detector; export_onnx.py cannot tell what its outputs are')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='weights (none: the config\'s initialisation)')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        default=None,
        metavar=('H', 'W'),
        help='input size (default 224 224; detectors: the test pipeline\'s '
        'fixed Resize)')
    parser.add_argument(
        '--raw',
        action='store_true',
        help='detectors: raw head outputs, no box decoding / NMS')
    parser.add_argument('--opset', type=int, default=17)
    add_config_args(parser)
    return parser.parse_args(argv)


def check_detector(path, wrapper, gen):
    """ONNX Runtime vs PyTorch detections on 3 random images."""
    sess = session(path)
    worst = dict(max_box_diff=0., max_score_diff=0., counts=[])
    for _ in range(3):
        x = torch.rand(1, 3, *wrapper.shape, generator=gen) * 255
        with torch.no_grad():
            ref = [t.numpy() for t in wrapper(x)]
        c = compare(ref, sess.run(None, {'image': x.numpy()}))
        if not c.get('same_labels'):
            raise AssertionError(f'{path}: ONNX Runtime finds other '
                                 f'detections than PyTorch: {c}')
        worst['counts'].append(c['count'])
        for k in ('max_box_diff', 'max_score_diff'):
            worst[k] = max(worst[k], c[k])
    return worst


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    model = init_model(cfg, args.checkpoint)
    try:
        wrapper, not_exported = wrap(model, args.shape, args.raw)
    except ValueError as e:
        raise SystemExit(f'{args.config}: {e}')
    shape = tuple(args.shape or (224, 224))
    gen = torch.Generator().manual_seed(0)
    example = torch.rand(2, 3, *shape, generator=gen) * 255
    output_names = None
    extra = {}
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    if isinstance(wrapper, DeployDetector):
        shape = wrapper.shape
        output_names = ['boxes', 'scores', 'labels']
        export_onnx(
            wrapper,
            torch.rand(1, 3, *shape, generator=gen) * 255,
            args.out,
            output_names,
            opset=args.opset,
            dynamic_batch=False)
        extra = check_detector(args.out, wrapper, gen)
        diff = max(extra['max_box_diff'], extra['max_score_diff'])
        print(f'{args.out}: outputs {output_names}; ONNX Runtime vs PyTorch '
              f'on 3 images ({shape[0]}x{shape[1]}, '
              f'{extra["counts"]} detections): max box diff '
              f'{extra["max_box_diff"]:.2e} px, max score diff '
              f'{extra["max_score_diff"]:.2e}')
        extra.update(wrapper.spec())
    else:
        if isinstance(wrapper, DeployDefectAuxNet):
            with torch.no_grad():
                n_dense = len(wrapper(example)) - model.with_cls - \
                    model.with_seg
            output_names = DeployDefectAuxNet.output_names(model, n_dense // 2)
        elif isinstance(wrapper, DeployDetectorRaw):
            with torch.no_grad():
                levels = len(wrapper(example)) // 2
            output_names = DeployDetectorRaw.output_names(model, levels)
        elif isinstance(wrapper, DeploySegmentor):
            output_names = ['seg_logits']
        else:
            output_names = ['scores']
        export_onnx(wrapper, example, args.out, output_names, opset=args.opset)
        # Another batch size than the export's: the batch axis is dynamic.
        check = torch.rand(3, 3, *shape, generator=gen) * 255
        diff = onnx_max_abs_diff(args.out, wrapper, check)
        print(f'{args.out}: outputs {output_names}; '
              f'max |ONNX - PyTorch| = {diff:.3e} (batch 3, {shape[0]}x'
              f'{shape[1]})')
    for item in not_exported:
        print(f'  not exported: {item}')
    with open(args.out + '.json', 'w') as f:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                model=type(model).__name__,
                classes=class_names(model, cfg),
                outputs=output_names,
                shape=list(shape),
                max_abs_diff=diff,
                not_exported=not_exported,
                **extra),
            f,
            indent=1)
