"""Build a model from its config and checkpoint, outside the Runner (for
teachers, deployment tools and CAM)."""
from typing import Optional, Union

import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model)


def load_config(config: Union[str, Config],
                cfg_options: Optional[dict] = None) -> Config:
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               strict: bool = False) -> nn.Module:
    """The model of ``config`` (path or :class:`Config`), with the weights
    of ``checkpoint``, in eval mode on ``device``.

    A checkpoint of a channel-pruned model (``ChannelPruningHook``) loads
    too: the layers are reshaped to its tensors first. A checkpoint that
    does not fit the model (another model, another width: a weight missing
    or of another shape) is refused with a
    :class:`~defectzoo.utils.checkpoint.CheckpointError`. The checkpoint's
    ``dataset_meta`` (class names) is kept as ``model.dataset_meta``.
    Without a checkpoint the weights are PyTorch's default initialisation
    (``init_cfg`` is not run: no download).
    """
    from defectzoo.models.utils import fit_to_state_dict
    from defectzoo.registry import MODELS
    from defectzoo.utils.checkpoint import check_checkpoint_fits
    cfg = load_config(config, cfg_options)
    if cfg.get('model') is None:
        raise ValueError(f'{cfg.filename}: the config has no `model`')
    model_cfg = cfg.model.copy()
    # Weights come from the checkpoint: skip downloading pretrained ones.
    if checkpoint is not None:
        model_cfg.pop('init_cfg', None)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'defectzoo')):
        model = MODELS.build(model_cfg)
    model.cfg = cfg
    model.dataset_meta = {}
    if checkpoint is not None:
        ckpt = _load_checkpoint(checkpoint, map_location='cpu')
        state_dict = ckpt.get('state_dict', ckpt)
        fit_to_state_dict(model, state_dict)
        check_checkpoint_fits(model, state_dict, checkpoint)
        _load_checkpoint_to_model(model, ckpt, strict=strict)
        meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
        model.dataset_meta = dict(meta.get('dataset_meta') or {})
    return model.to(device).eval()
