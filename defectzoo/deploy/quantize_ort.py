"""INT8 post-training static quantisation of an exported ONNX graph with
ONNX Runtime (for detectors: the network is quantised, the post-processing
stays float).

Only the network is quantised (the ONNX nodes under ``/network/``:
:class:`~defectzoo.deploy.detector.DeployDetector`'s backbone, neck and
head): weights per-channel INT8, activations UINT8 calibrated (min / max)
on training images, in the QOperator format (fused ``QLinearConv``,
``QLinearSigmoid``, ...: faster than QDQ on x86 CPUs in our tests). The
output layers (the convolutions feeding the post-processing) stay float
unless ``quantize_outputs``: quantised logits cost the most score accuracy.
"""
import logging
import os
import os.path as osp
import tempfile
import time
from typing import Iterable, List, Optional, Sequence

import numpy as np
import torch

from .detector import DeployDetector, compare, test_shape
from .evaluate import (calibration_batches, class_names, evaluate_detector,
                       fit_image)
from .onnx import export_onnx

NETWORK = '/network/'


def session(path: str, threads: int = 0):
    """An ONNX Runtime CPU session (``threads`` 0: ORT's default)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return ort.InferenceSession(
        path, options, providers=['CPUExecutionProvider'])


def output_layers(graph) -> List[str]:
    """Names of the network nodes from the last ``Conv`` of each path to
    the post-processing (e.g. the head's 1x1 output convs, ``* stride``)."""
    producer = {o: n for n in graph.node for o in n.output}
    inner = {n.name for n in graph.node if n.name.startswith(NETWORK)}
    stack = [
        producer[i] for n in graph.node if n.name not in inner for i in n.input
        if i in producer and producer[i].name in inner
    ]
    found = set()
    while stack:
        node = stack.pop()
        if node.name in found:
            continue
        found.add(node.name)
        if node.op_type != 'Conv':
            stack += [
                producer[i] for i in node.input
                if i in producer and producer[i].name in inner
            ]
    return sorted(found)


class _Reader:
    """``CalibrationDataReader`` over ``(1, 3, H, W)`` float32 arrays."""

    def __init__(self, name: str, images: Iterable[np.ndarray]):
        self.name = name
        self.images = iter(images)

    def get_next(self) -> Optional[dict]:
        image = next(self.images, None)
        return None if image is None else {self.name: image}


def quantize_onnx(fp32: str,
                  out: str,
                  calibration: Iterable[np.ndarray],
                  quantize_outputs: bool = False,
                  exclude: Sequence[str] = ()):
    """Quantise the network nodes of ``fp32`` into ``out``; returns what
    was quantised (``nodes``) and kept float (``float_nodes``)."""
    import onnx
    from onnxruntime.quantization import (QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process
    tmp = tempfile.TemporaryDirectory()
    # ORT's pre-processing folds constants: shared weights (Identity
    # nodes) become initialisers the quantiser can quantise.
    pre = osp.join(tmp.name, 'pre.onnx')
    quant_pre_process(fp32, pre, skip_symbolic_shape=True)
    graph = onnx.load(pre).graph
    network = [n.name for n in graph.node if n.name.startswith(NETWORK)]
    if not network:
        raise ValueError(f'{fp32}: no node named {NETWORK}...: not a graph '
                         'exported from a defectzoo.deploy wrapper')
    unknown = sorted(set(exclude) - set(network))
    if unknown:
        raise ValueError(f'float layer(s) {unknown} are not network nodes '
                         f'of {fp32}; e.g. {output_layers(graph)[:2]}')
    floats = set(exclude) | (
        set() if quantize_outputs else set(output_layers(graph)))
    todo = [n for n in network if n not in floats]
    if not todo:  # ORT would read an empty list as "all nodes"
        raise ValueError(f'{fp32}: every network node is kept float')
    images = list(calibration)
    if not images:
        raise ValueError('no calibration images: give --calib N > 0')
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # one warning per post-processing tensor
    try:
        quantize_static(
            pre,
            out,
            _Reader(graph.input[0].name, images),
            quant_format=QuantFormat.QOperator,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            nodes_to_quantize=todo)
    finally:
        root.setLevel(level)
        tmp.cleanup()
    return dict(
        calib_images=len(images), nodes=len(todo), float_nodes=sorted(floats))


def latency_ms(path: str,
               image: np.ndarray,
               threads: int = 1,
               repeats: int = 20) -> float:
    """Median wall time of one ``path`` run on ``image`` (after 3 warm-up
    runs), milliseconds."""
    sess = session(path, threads)
    feed = {sess.get_inputs()[0].name: image}
    for _ in range(3):
        sess.run(None, feed)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def agreement(fp32: str, int8: str, images: Sequence[np.ndarray]) -> dict:
    """INT8 vs FP32 detections on ``images``: mean counts, the share of
    FP32 boxes INT8 finds too (same label, IoU >= 0.5), the IoU and score
    difference of the top boxes, images whose top box moved (IoU < 0.5;
    with several objects of about the same score, not an error)."""
    a, b = session(fp32, 1), session(int8, 1)
    name = a.get_inputs()[0].name
    found = [
        compare(a.run(None, {name: x}), b.run(None, {name: x})) for x in images
    ]
    both = [c for c in found if 'top_iou' in c]

    def mean(key):
        return float(np.mean([c[key] for c in both])) if both else None

    return dict(
        images=len(found),
        mean_count_fp32=float(np.mean([c['count'] for c in found])),
        mean_count_int8=float(np.mean([c['other_count'] for c in found])),
        fp32_boxes_found=mean('matched'),
        mean_top_iou=mean('top_iou'),
        mean_top_score_diff=mean('top_score_diff'),
        top_box_moved=sum(c['top_iou'] < 0.5 for c in both))


def quantize_detector(model,
                      cfg,
                      out_dir: str,
                      calib: int,
                      shape: Optional[Sequence[int]] = None,
                      float_layers: Optional[Sequence[str]] = None,
                      threads: int = 1,
                      evaluate: bool = True) -> dict:
    """Export ``model`` (a one-stage mmdet detector) end to end to
    ``out_dir/model_fp32.onnx``, quantise it (:func:`quantize_onnx`) on
    ``calib`` training images into ``out_dir/model_int8.onnx``; returns
    sizes, latencies, speed-up, agreement and (``evaluate``) both models'
    test metrics."""
    wrapper = DeployDetector(model, test_shape(cfg, shape)).eval()
    shape = wrapper.shape
    os.makedirs(out_dir, exist_ok=True)
    fp32, int8 = (
        osp.join(out_dir, f'model_{k}.onnx') for k in ('fp32', 'int8'))
    gen = torch.Generator().manual_seed(0)
    export_onnx(
        wrapper,
        torch.rand(1, 3, *shape, generator=gen) * 255,
        fp32, ['boxes', 'scores', 'labels'],
        dynamic_batch=False)
    images = [
        fit_image(x[0], shape, wrapper.pad_value)[None].numpy()
        for x in calibration_batches(cfg, calib, batch_size=1)
    ]
    start = time.time()
    info = quantize_onnx(
        fp32,
        int8,
        images,
        quantize_outputs=float_layers is not None,
        exclude=float_layers or ())
    result = dict(
        fp32_path=fp32,
        int8_path=int8,
        backend='onnxruntime (QOperator, per-channel)',
        shape=list(shape),
        classes=class_names(model, cfg),
        calib_images=info['calib_images'],
        float_layers=info['float_nodes'],
        quantize_seconds=time.time() - start,
        int8_mb=osp.getsize(int8) / 2**20,
        fp32_mb=osp.getsize(fp32) / 2**20,
        threads=threads,
        fp32_ms=latency_ms(fp32, images[0], threads),
        int8_ms=latency_ms(int8, images[0], threads))
    result['speedup'] = result['fp32_ms'] / result['int8_ms']
    result['agreement_on_calibration'] = agreement(fp32, int8, images)
    if evaluate:
        for key, path in (('int8', int8), ('fp32', fp32)):
            sess = session(path)
            result[f'metrics_{key}'] = evaluate_detector(
                lambda x: sess.run(None, {'image': x}), cfg, shape,
                wrapper.pad_value)
    result.update(wrapper.spec())
    return result
