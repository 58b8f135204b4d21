"""Export a model to ONNX (dynamic batch) and check it with ONNX Runtime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT \\
        --out model.onnx \\
        [--shape H W]

- classifiers (mmpretrain ImageClassifier: ResNet, MVGG19, KD students;
  SCLArcMarginClassifier with its reference gallery inside the graph):
  ``image -> scores`` (softmax);
- segmentors (mmseg EncoderDecoder): ``image -> seg_logits`` at input size;
- detectors (mmdet): backbone + neck + dense head raw outputs only (see
  ``DeployDetectorRaw``: anchors, box decoding, NMS and a two-stage
  detector's RoI stage are not exported);
- Defect-Aux-Net: all its heads in one graph, ``image -> cls_scores,
  seg_logits, cls_score_<l>, bbox_pred_<l>`` (``DeployDefectAuxNet``; the
  detection head's outputs raw, as for detectors).

The input is ``image``: ``(N, 3, H, W)`` float 0-255 in the test pipeline's
channel order; normalisation is inside the graph. The tool runs the file
with ONNX Runtime on a batch of another size than the export's, prints
``max |ONNX - PyTorch|`` and writes it to ``<out>.json``.
"""
import argparse
import json
import os
import os.path as osp
import sys

import torch
from mmengine.config import DictAction

sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..', '..'))
from defectzoo.apis import init_model, load_config  # noqa: E402
from defectzoo.deploy import DeployDefectAuxNet  # noqa
from defectzoo.deploy import DeployDetectorRaw  # noqa
from defectzoo.deploy import (DeployClassifier, DeploySegmentor, export_onnx,
                              onnx_max_abs_diff)

DETECTOR_NOT_EXPORTED = [
    'anchor generation and box decoding (bbox_head.predict_by_feat)',
    'score threshold and NMS (mmcv.ops.batched_nms)',
    'two-stage detectors: proposal selection, RoIAlign (mmcv op) and the '
    'RoI head (bbox classification / regression)',
]


def wrap(model):
    """The deploy wrapper of ``model`` and what it leaves out."""
    from mmdet.models.detectors import BaseDetector
    from mmseg.models.segmentors import BaseSegmentor

    from defectzoo.models import DefectAuxNet
    if isinstance(model, DefectAuxNet):
        return DeployDefectAuxNet(model), \
            DETECTOR_NOT_EXPORTED[:2] if model.with_det else []
    if isinstance(model, BaseDetector):
        return DeployDetectorRaw(model), DETECTOR_NOT_EXPORTED
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
        '--shape', type=int, nargs=2, default=(224, 224), metavar=('H', 'W'))
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    model = init_model(cfg, args.checkpoint)
    wrapper, not_exported = wrap(model)
    gen = torch.Generator().manual_seed(0)
    example = torch.rand(2, 3, *args.shape, generator=gen) * 255
    output_names = None
    if isinstance(wrapper, DeployDefectAuxNet):
        with torch.no_grad():
            n_dense = len(wrapper(example)) - model.with_cls - model.with_seg
        output_names = DeployDefectAuxNet.output_names(model, n_dense // 2)
    elif isinstance(wrapper, DeployDetectorRaw):
        with torch.no_grad():
            levels = len(wrapper(example)) // 2
        output_names = DeployDetectorRaw.output_names(model, levels)
    elif isinstance(wrapper, DeploySegmentor):
        output_names = ['seg_logits']
    else:
        output_names = ['scores']
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    export_onnx(wrapper, example, args.out, output_names, opset=args.opset)
    # Another batch size than the export's: the batch axis is dynamic.
    check = torch.rand(3, 3, *args.shape, generator=gen) * 255
    diff = onnx_max_abs_diff(args.out, wrapper, check)
    print(f'{args.out}: outputs {output_names}; '
          f'max |ONNX - PyTorch| = {diff:.3e} (batch 3, {args.shape[0]}x'
          f'{args.shape[1]})')
    for item in not_exported:
        print(f'  not exported: {item}')
    with open(args.out + '.json', 'w') as f:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                model=type(model).__name__,
                outputs=output_names,
                shape=list(args.shape),
                max_abs_diff=diff,
                not_exported=not_exported),
            f,
            indent=1)


if __name__ == '__main__':
    main()
