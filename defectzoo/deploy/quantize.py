"""INT8 post-training static quantisation with PyTorch's own tool chain.

FX graph mode (``torch.ao.quantization.quantize_fx``) with the ``x86``
backend (fbgemm kernels; onednn where the CPU has VNNI): weights per-channel
INT8, activations per-tensor UINT8 calibrated by histogram observers on
training images; conv + BN + ReLU fused. The result is saved as a frozen
TorchScript module: ``torch.jit.load`` runs it without defectzoo, mmengine
or any OpenMMLab package.
"""
import warnings
from typing import Iterable

import torch
import torch.nn as nn


def quantize_fx(model: nn.Module,
                calibration: Iterable[torch.Tensor],
                example: torch.Tensor,
                backend: str = 'x86'):
    """Quantise ``model`` (eval mode, float inputs) to INT8.

    Args:
        model: an ``nn.Module`` that torch.fx can trace (e.g.
            :class:`~defectzoo.deploy.DeployClassifier`).
        calibration: batches of inputs the observers see.
        example: one input, to trace the graph.
        backend: ``'x86'`` (default), ``'fbgemm'`` or ``'qnnpack'`` (ARM).

    Returns:
        a frozen TorchScript module of the quantised model.
    """
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    if backend not in torch.backends.quantized.supported_engines:
        raise ValueError(
            f'quantisation backend {backend!r} is not available in this '
            f'torch build; available: '
            f'{torch.backends.quantized.supported_engines}')
    torch.backends.quantized.engine = backend
    model = model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # FX mode deprecation notice
        try:
            prepared = prepare_fx(model, get_default_qconfig_mapping(backend),
                                  (example, ))
        except Exception as e:
            raise ValueError(
                f'{type(model).__name__} cannot be traced by torch.fx for '
                f'quantisation ({type(e).__name__}: {e}); remove data-'
                'dependent Python control flow from its forward') from e
        with torch.no_grad():
            n = 0
            for batch in calibration:
                prepared(batch)
                n += batch.shape[0]
        if n == 0:
            raise ValueError('no calibration images: give --calib N > 0')
        quantized = convert_fx(prepared)
        with torch.no_grad():
            return torch.jit.freeze(torch.jit.trace(quantized, example))
