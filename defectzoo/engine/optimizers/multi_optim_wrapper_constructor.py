"""One optimizer wrapper per sub-module (GAN generator / discriminator).

mmengine leaves this constructor to downstream libraries (mmagic has one);
defectzoo's is the same idea: every key of the ``optim_wrapper`` config
other than ``constructor`` names a sub-module of the model and holds an
ordinary optimizer-wrapper config (with its own optional
``paramwise_cfg``), built by mmengine's ``DefaultOptimWrapperConstructor``
on that sub-module's parameters. Sub-modules without a key (e.g. a frozen
style network) get no optimizer.
"""
from typing import Optional

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from defectzoo.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """Build an ``OptimWrapperDict`` keyed by sub-module name::

        optim_wrapper = dict(
            constructor='MultiOptimWrapperConstructor',
            generator=dict(optimizer=dict(type='Adam', lr=2e-4)),
            discriminator=dict(optimizer=dict(type='Adam', lr=2e-4)))
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        if not isinstance(optim_wrapper_cfg, dict):
            raise TypeError('optim_wrapper_cfg must be a dict, got '
                            f'{type(optim_wrapper_cfg)}')
        if paramwise_cfg is not None:
            raise ValueError('give paramwise_cfg inside each sub-module\'s '
                             'optimizer wrapper config')
        self.constructors = {}
        for key, cfg in optim_wrapper_cfg.items():
            cfg = dict(cfg)
            cfg.setdefault('type', 'OptimWrapper')
            paramwise = cfg.pop('paramwise_cfg', None)
            self.constructors[key] = DefaultOptimWrapperConstructor(
                cfg, paramwise)

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if hasattr(model, 'module'):
            model = model.module
        wrappers = {}
        for key, constructor in self.constructors.items():
            sub = getattr(model, key, None)
            if not isinstance(sub, nn.Module):
                raise KeyError(f'optim_wrapper key {key!r} is not a '
                               f'sub-module of {type(model).__name__}')
            wrappers[key] = constructor(sub)
        return OptimWrapperDict(**wrappers)
