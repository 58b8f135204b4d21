"""Structured (channel) pruning with torch-pruning, and loading a pruned
checkpoint into the unpruned architecture its config builds.

Channel pruning removes whole output channels of convolutions (and the
matching BN channels and input channels of every layer that consumes them):
the result is a smaller *dense* network, faster on any CPU. torch-pruning's
dependency graph keeps coupled layers consistent (a ResNet's residual adds
prune the same channels in every block of a stage).
"""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _forward_tensor(model: nn.Module, inputs: torch.Tensor):
    """OpenMMLab models take ``mode='tensor'`` for a plain forward."""
    try:
        return model(inputs, mode='tensor')
    except TypeError:
        return model(inputs)


def prune_channels(model: nn.Module,
                   example_inputs: torch.Tensor,
                   sparsity: float,
                   ignored: Sequence[str] = ('head', ),
                   norm: int = 2,
                   round_to: Optional[int] = None,
                   forward_fn: Callable = _forward_tensor) -> Tuple[int, int]:
    """Remove the fraction ``sparsity`` of the channels of every prunable
    layer, the channels of smallest weight magnitude (L-``norm`` of each
    channel group), in place.

    Args:
        model: the model (e.g. an mmpretrain ``ImageClassifier``).
        example_inputs: a batch the model accepts, to trace its graph.
        sparsity: fraction of channels removed per layer, in ``[0, 1)``.
        ignored: names of submodules whose layers keep all their output
            channels (the classifier head: its outputs are the classes).
        norm: 1 or 2, the norm of the magnitude importance.
        round_to: keep channel counts multiples of this (SIMD-friendly).

    Returns:
        ``(parameters before, parameters after)``.
    """
    import torch_pruning as tp
    if not 0 <= sparsity < 1:
        raise ValueError(f'sparsity must be in [0, 1), got {sparsity}')
    modules = dict(model.named_modules())
    missing = [name for name in ignored if name not in modules]
    if missing:
        raise ValueError(f'ignored layers {missing} are not submodules of '
                         f'{type(model).__name__}; top-level modules are '
                         f'{[n for n, _ in model.named_children()]}')
    ignored_layers = [modules[name] for name in ignored]
    before = count_params(model)
    if sparsity == 0:
        return before, before
    was_training = model.training
    model.eval()
    pruner = tp.pruner.MagnitudePruner(
        model,
        example_inputs,
        importance=tp.importance.MagnitudeImportance(p=norm),
        pruning_ratio=sparsity,
        ignored_layers=ignored_layers,
        round_to=round_to,
        forward_fn=forward_fn)
    pruner.step()
    model.train(was_training)
    return before, count_params(model)


PRUNABLE = (nn.modules.conv._ConvNd, nn.modules.batchnorm._NormBase, nn.Linear)


def _resize(module: nn.Module, shapes: Dict[str, torch.Size]) -> bool:
    """Give the parameters and buffers of ``module`` the shapes in
    ``shapes`` (its own names); the values are replaced when loaded."""
    changed = False
    for name, shape in shapes.items():
        if '.' in name:
            continue
        current = getattr(module, name, None)
        if not isinstance(current, torch.Tensor) or current.shape == shape:
            continue
        new = current.new_zeros(shape)
        if isinstance(current, nn.Parameter):
            setattr(module, name,
                    nn.Parameter(new, requires_grad=current.requires_grad))
        else:
            setattr(module, name, new)
        changed = True
    if not changed:
        return False
    weight = getattr(module, 'weight', None)
    if isinstance(module, nn.modules.conv._ConvNd):
        groups = module.groups
        module.out_channels = weight.shape[0]
        module.in_channels = weight.shape[1] * groups
    elif isinstance(module, nn.modules.batchnorm._NormBase):
        module.num_features = (weight if weight is not None else
                               module.running_mean).shape[0]
    elif isinstance(module, nn.Linear):
        module.out_features, module.in_features = weight.shape
    return True


def fit_to_state_dict(model: nn.Module,
                      state_dict: Dict[str, torch.Tensor]) -> List[str]:
    """Reshape the layers of ``model`` whose tensors in ``state_dict`` have
    other shapes (a channel-pruned checkpoint), so that it loads.

    Returns:
        the names of the resized modules (empty for an unpruned checkpoint).
    """
    resized = []
    for name, module in model.named_modules():
        prefix = f'{name}.' if name else ''
        if not isinstance(module, PRUNABLE):
            continue  # other modules load their own tensors
        own = {
            k[len(prefix):]: v.shape
            for k, v in state_dict.items()
            if k.startswith(prefix) and '.' not in k[len(prefix):]
        }
        if own and _resize(module, own):
            resized.append(name)
    return resized
