"""INT8 post-training quantisation of a classifier (PyTorch, x86 backend);
for Defect-Aux-Net, of its classification path (backbone -> C5 -> head);
of a one-stage detector with ONNX Runtime (see "Detectors" below).

    python tools/deployment/quantize.py CONFIG CHECKPOINT --calib 128 --out DIR

Calibrates on ``--calib`` training images (through the test pipeline),
keeps the output layer (``--float-layers``, default the last ``Linear``)
in FP32,
writes ``DIR/model_int8.pt`` (and ``DIR/model_fp32.pt``), frozen TorchScript
modules that load with ``torch.jit.load`` alone — input ``(N, 3, H, W)``
float 0-255 images in the test pipeline's channel order, output softmax
class scores — and ``DIR/quantize.json`` with both models' test metrics
from the config's ``test_evaluator`` (what tools/test.py reports), sizes
and the quantised model's agreement with FP32.

Run the saved model without defectzoo::

    import torch
    model = torch.jit.load('DIR/model_int8.pt')
    scores = model(image_batch)   # (N, num_classes)

Detectors (one-stage mmdet, e.g. RTMDet; ``--shape H W`` unless the test
pipeline resizes to a fixed size): the end-to-end graph of
``export_onnx.py`` (``DIR/model_fp32.onnx``, boxes / scores / labels after
NMS) is quantised by ONNX Runtime's static quantisation into
``DIR/model_int8.onnx``: backbone, neck and head convolutions INT8 (QLinear
operators), the head's output convolutions (``--float-layers``: ONNX node
names) and the post-processing float. ``quantize.json`` adds both files'
single-image latency (``--threads``), the speed-up, the INT8 detections'
agreement with FP32 on the calibration images and both models' test
metrics (``test_evaluator``, images padded to the graph's size).
"""
import argparse
import json
import os
import os.path as osp
import time

import torch

from defectzoo.apis import init_model, load_config
from defectzoo.deploy import DeployClassifier, quantize_fx
from defectzoo.deploy.detector import is_detector
from defectzoo.deploy.evaluate import calibration_batches, evaluate_classifier
from defectzoo.deploy.quantize import last_linear
from defectzoo.deploy.quantize_ort import quantize_detector
from .config_options import add_config_args
from .errors import reporting_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--calib',
        type=int,
        default=128,
        help='number of training images for calibration')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument(
        '--backend', default='x86', help='x86 (default), fbgemm or qnnpack')
    parser.add_argument(
        '--float-layers',
        nargs='*',
        default=None,
        help='module names of the deploy wrapper kept in FP32 (default: '
        'the output layer, the last nn.Linear; detectors: ONNX node names, '
        'default the head\'s output convs; give the flag with no names to '
        'quantise everything)')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='detectors: the graph\'s fixed input size')
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='detectors: ONNX Runtime threads for the latency (0: all)')
    parser.add_argument(
        '--no-eval', action='store_true', help='skip measuring test metrics')
    add_config_args(parser)
    return parser.parse_args(argv)


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    if args.calib <= 0:
        raise SystemExit('--calib must be > 0 (calibration images)')
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    model = init_model(cfg, args.checkpoint)
    if is_detector(model):
        try:
            result = quantize_detector(model, cfg, args.out, args.calib,
                                       args.shape, args.float_layers,
                                       args.threads, not args.no_eval)
        except ValueError as e:
            raise SystemExit(f'{args.config}: {e}')
        result = dict(config=args.config, checkpoint=args.checkpoint, **result)
        with open(osp.join(args.out, 'quantize.json'), 'w') as f:
            json.dump(result, f, indent=1)
        print(json.dumps(result, indent=1))
        print(f'INT8 detector: {result["int8_path"]} ({result["int8_mb"]:.2f}'
              f' MB, FP32 {result["fp32_mb"]:.2f} MB), '
              f'{result["speedup"]:.2f}x faster ({result["int8_ms"]:.1f} vs '
              f'{result["fp32_ms"]:.1f} ms, {args.threads} thread(s))')
        return result
    model = DeployClassifier(model).eval()
    calib = list(calibration_batches(cfg, args.calib))
    example = calib[0][:1]
    start = time.time()
    float_layers = args.float_layers
    if float_layers is None:
        float_layers = [n for n in [last_linear(model)] if n]
    int8 = quantize_fx(
        model, calib, example, backend=args.backend, float_layers=float_layers)
    seconds = time.time() - start
    os.makedirs(args.out, exist_ok=True)
    int8_path = osp.join(args.out, 'model_int8.pt')
    fp32_path = osp.join(args.out, 'model_fp32.pt')
    torch.jit.save(int8, int8_path)
    with torch.no_grad():
        torch.jit.save(
            torch.jit.freeze(torch.jit.trace(model, example)), fp32_path)
    # The saved file, reloaded, is what is measured.
    int8 = torch.jit.load(int8_path)
    with torch.no_grad():
        diff = max(float((int8(x) - model(x)).abs().max()) for x in calib)
    result = dict(
        config=args.config,
        checkpoint=args.checkpoint,
        backend=args.backend,
        float_layers=float_layers,
        calib_images=sum(len(x) for x in calib),
        quantize_seconds=seconds,
        int8_mb=osp.getsize(int8_path) / 2**20,
        fp32_mb=osp.getsize(fp32_path) / 2**20,
        max_abs_score_diff_on_calibration=diff)
    if not args.no_eval:
        result['metrics_int8'] = evaluate_classifier(int8, cfg)
        result['metrics_fp32'] = evaluate_classifier(model, cfg)
        key = next((k for k in ('accuracy/top1', 'cls/accuracy/top1')
                    if k in result['metrics_int8']), None)
        if key is not None:
            result['accuracy'] = result['metrics_int8'][key] / 100
            result['fp32_accuracy'] = result['metrics_fp32'][key] / 100
    with open(osp.join(args.out, 'quantize.json'), 'w') as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))
    print(f'INT8 model: {int8_path} ({result["int8_mb"]:.2f} MB, FP32 '
          f'{result["fp32_mb"]:.2f} MB)')


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
