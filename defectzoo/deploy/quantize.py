"""INT8 post-training static quantisation with PyTorch's own tool chain.

FX graph mode (``torch.ao.quantization.quantize_fx``) with the ``x86``
backend (fbgemm kernels; onednn where the CPU has VNNI): weights per-channel
INT8, activations per-tensor UINT8 calibrated by histogram observers on
training images; conv + BN + ReLU fused. The result is saved as a frozen
TorchScript module: ``torch.jit.load`` runs it without defectzoo, mmengine
or any OpenMMLab package.
"""
import warnings
from typing import Iterable, Optional, Sequence

import torch
import torch.nn as nn


def last_linear(model: nn.Module) -> Optional[str]:
    """Name of the last ``nn.Linear`` of ``model`` (a classifier's output
    layer), or None."""
    names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    return names[-1] if names else None


def quantize_fx(model: nn.Module,
                calibration: Iterable[torch.Tensor],
                example: torch.Tensor,
                backend: str = 'x86',
                float_layers: Sequence[str] = ()):
    """Quantise ``model`` (eval mode, float inputs) to INT8.

    Args:
        model: an ``nn.Module`` that torch.fx can trace (e.g.
            :class:`~defectzoo.deploy.DeployClassifier`).
        calibration: batches of inputs the observers see.
        example: one input, to trace the graph.
        backend: ``'x86'`` (default), ``'fbgemm'`` or ``'qnnpack'`` (ARM).
        float_layers: module names kept in FP32 (e.g. the output layer,
            :func:`last_linear`: its few weights cost nothing to keep and
            quantising the logits costs the most accuracy).

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
            mapping = get_default_qconfig_mapping(backend)
            modules = dict(model.named_modules())
            for name in float_layers:
                if name not in modules:
                    raise ValueError(
                        f'float layer {name!r} is not a module of '
                        f'{type(model).__name__}; e.g. {last_linear(model)}')
                mapping = mapping.set_module_name(name, None)
            prepared = prepare_fx(model, mapping, (example, ))
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
