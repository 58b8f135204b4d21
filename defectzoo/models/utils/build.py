"""Building models: another library's module inside a defectzoo model
(:func:`build_in_own_scope`), and a whole model from its config and
checkpoint outside the Runner (:func:`init_model`: distillation teachers,
deployment tools, CAM; also ``defectzoo.apis.init_model``)."""
from typing import Optional, Union

import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model)

from defectzoo.registry import MODELS
from defectzoo.utils.checkpoint import check_checkpoint_fits
from defectzoo.utils.data_root import set_data_root
from .pruning import fit_to_state_dict


def build_in_own_scope(cfg: dict):
    """Build ``cfg`` with the default scope set to its type's library.

    ``dict(type='mmpretrain.ArcFaceClsHead')`` is found from defectzoo's
    registry by its prefix, but the modules *it* builds from unprefixed
    defaults (``ClsHead``'s ``dict(type='CrossEntropyLoss')``) are looked up
    in the default scope, which is ``defectzoo`` in our configs. Building
    under the ``mmpretrain`` scope finds them; prefixed names still work.
    """
    type_name = cfg.get('type') if isinstance(cfg, dict) else None
    if isinstance(type_name, str) and '.' in type_name:
        scope = type_name.split('.')[0]
        with DefaultScope.overwrite_default_scope(scope):
            return MODELS.build(cfg)
    return MODELS.build(cfg)


def load_config(config: Union[str, Config],
                cfg_options: Optional[dict] = None,
                data_root: Optional[str] = None) -> Config:
    """``config`` as a :class:`Config` (a path is read), its datasets and
    evaluator paths moved to ``data_root`` (as ``--data-root`` does on every
    tool: :func:`~defectzoo.utils.data_root.set_data_root`), then
    ``cfg_options`` merged into it."""
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    if data_root:
        set_data_root(cfg, data_root)
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
