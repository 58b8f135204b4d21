"""ONNX export with a dynamic batch axis, checked with ONNX Runtime."""
import linecache
import os
import warnings
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

#: Code whose tracer warnings only fix the spatial size: mmseg's ``resize``
#: turns upsampling sizes taken from tensor shapes into Python ints. The
#: graph then holds the export's H x W (the batch axis stays dynamic).
SPATIAL_SIZE_ONLY = ('mmseg/models/utils/wrappers.py', )


def _assertion(w: warnings.WarningMessage) -> bool:
    """The warning comes from an ``assert`` (a check that passed: it
    changes no path through the code, e.g. mmdet's box coders' shape
    checks)."""
    line = linecache.getline(w.filename, w.lineno).lstrip()
    return line.startswith('assert ')


def _name(model: nn.Module) -> str:
    return type(getattr(model, 'model', model)).__name__


def export_onnx(model: nn.Module,
                example: torch.Tensor,
                path: str,
                output_names: Optional[Sequence[str]] = None,
                opset: int = 17,
                strict: bool = True,
                dynamic_batch: bool = True) -> str:
    """Export ``model(example)`` to ``path`` with a dynamic batch axis (a
    model that upsamples to sizes read from shapes, e.g. mmseg heads, keeps
    the example's H x W; ``dynamic_batch=False``: the example's batch).

    Uses the TorchScript-based exporter (``dynamo=False``) on the plain
    ``nn.Module`` wrappers of :mod:`defectzoo.deploy`. Tracing records one
    path through the code: where the tracer warns that the graph may not
    generalise (Python control flow on tensor values, tensors turned into
    Python numbers or NumPy arrays), ``strict`` refuses the model with a
    ``ValueError`` naming the line, instead of writing a wrong file. So do
    non-tensor outputs and operators ONNX does not have.
    """
    model = model.eval()
    with torch.no_grad():
        outputs = model(example)
    flat = outputs if isinstance(outputs, (tuple, list)) else (outputs, )
    if not all(isinstance(o, torch.Tensor) for o in flat):
        raise ValueError(
            f'{_name(model)} cannot be exported to ONNX: its forward returns '
            f'{sorted({type(o).__name__ for o in flat})}, not tensors; '
            'wrap it so that it returns a tensor or a tuple of tensors')
    n_out = len(flat)
    if output_names is None:
        output_names = ['output'] if n_out == 1 else \
            [f'output_{i}' for i in range(n_out)]
    dynamic_axes = {name: {0: 'batch'}
                    for name in ['image', *output_names]} \
        if dynamic_batch else None
    try:
        with warnings.catch_warnings(record=True) as caught, torch.no_grad():
            warnings.simplefilter('always')
            torch.onnx.export(
                model, (example, ),
                path,
                input_names=['image'],
                output_names=list(output_names),
                dynamic_axes=dynamic_axes,
                opset_version=opset,
                dynamo=False)
    except Exception as e:
        raise ValueError(
            f'{_name(model)} cannot be exported to ONNX '
            f'({type(e).__name__}: {str(e).splitlines()[0][:300]}); its '
            'forward must be traceable: no Python control flow on tensor '
            'values, only operators ONNX has') from e
    # PyTorch's own modules check shapes in Python (SyncBatchNorm's
    # channel check): those warnings are not about the model's code.
    torch_dir = os.path.dirname(torch.__file__)
    tracer = [
        w for w in caught if issubclass(w.category, torch.jit.TracerWarning)
        and not w.filename.startswith(torch_dir)
        and not w.filename.endswith(SPATIAL_SIZE_ONLY) and not _assertion(w)
    ]
    if strict and tracer:
        w = tracer[0]
        os.remove(path)
        raise ValueError(
            f'{_name(model)} cannot be traced faithfully: '
            f'{w.filename}:{w.lineno}: {str(w.message).splitlines()[0]} '
            f'({len(tracer)} such warning(s)). The exported graph would '
            'hold one fixed path; make that code tensor-only (no Python '
            'branches on tensor values, no .item()/.numpy()/int(tensor)), '
            'or pass strict=False (--allow-tracer-warnings) if the path '
            'is really fixed')
    return path


def onnx_max_abs_diff(path: str, model: nn.Module,
                      inputs: torch.Tensor) -> float:
    """max |ONNX Runtime - PyTorch| over all outputs for ``inputs``."""
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    got = sess.run(None, {sess.get_inputs()[0].name: inputs.numpy()})
    with torch.no_grad():
        ref = model.eval()(inputs)
    ref = ref if isinstance(ref, (tuple, list)) else (ref, )
    if len(got) != len(ref):
        raise AssertionError(f'{len(got)} ONNX outputs, {len(ref)} PyTorch')
    return max(float(np.abs(g - r.numpy()).max()) for g, r in zip(got, ref))
