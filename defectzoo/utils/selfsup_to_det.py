"""Self-supervised (mmpretrain) checkpoint -> mmdet detector backbone.

A checkpoint conversion (state-dict keys and tensors; it needs no defectzoo
model), so it sits with checkpoint loading in ``utils``. Used by
``tools/model_converters/selfsup_to_det.py`` and by the ``selfsup://``
checkpoint scheme (registered on ``import defectzoo``), so a detector
config can also read an SSL checkpoint directly::

    backbone=dict(init_cfg=dict(
        type='Pretrained',
        checkpoint='selfsup://work_dirs/simmim/epoch_100.pth'))

What the conversion does (both architectures):

- keep ``backbone.*`` and drop everything else (SimMIM's linear decoder and
  head, SimSiam's projector ``neck.*`` and predictor ``head.*``), plus the
  SimMIM ``backbone.mask_token``;
- the output keeps the ``backbone.`` prefix, which is what mmdet's
  ``SwinTransformer.init_weights`` requires and what mmengine's
  ``Pretrained(prefix='backbone.')`` strips for ResNet.

ResNet (SimSiam): mmpretrain and mmdet ResNets share their key names
(``conv1``, ``bn1``, ``layer{i}.{j}.conv{k}``, ``downsample.{0,1}``), so the
backbone keys go over unchanged.

Swin (SimMIM): in mmpretrain 1.2 / mmdet 3.3 the block, patch-merging
(``stages.{i}.downsample``, at the end of stage ``i`` in both) and patch
embedding (``patch_embed.projection``) names are identical; they differ in:

- *output norms*: SimMIM's backbone has ``out_indices=(3,)``, so only
  ``norm3``; mmdet's Swin-FPN has ``norm0..norm3``. The missing ``norm{i}``
  are written as identity LayerNorms (weight 1, bias 0 — the same values a
  freshly built mmdet Swin starts with), so loading reports no missing key;
- *window size*: the paper pretrains with window 12, detectors use 7:
  ``relative_position_bias_table`` ((2W-1)^2 x heads) is resized bicubically
  per head as a (2W-1)x(2W-1) image and ``relative_position_index`` is
  rebuilt for the new window (mmdet's ``WindowMSA`` formula);
- *absolute position embedding* (only with ``use_abs_pos_embed=True``):
  both store ``(1, L, C)``; it is resized bicubically to the target patch
  grid with mmpretrain's ``resize_pos_embed``. (mmdet's own ``init_weights``
  fails on a 3-d embedding: use the converter's output with ``load_from``
  or convert with ``pretrain_img_size`` for such models.)

Other mmdet/mmpretrain behaviour differences, not weights: mmdet always pads
the feature map to a window multiple (mmpretrain only with
``pad_small_map=True``, else it shrinks the window to the map), and mmdet's
Swin has stochastic depth 0.1 by default; eval-mode features are equal when
both pad (see ``tests/unit/test_models/test_selfsup_to_det.py``).
"""
import math
from collections import OrderedDict
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.runner.checkpoint import CheckpointLoader

BIAS_TABLE = 'relative_position_bias_table'
REL_INDEX = 'relative_position_index'
DROPPED = ('mask_token', )


def state_dict_of(ckpt) -> Dict[str, torch.Tensor]:
    """The state dict of an mmengine / plain checkpoint."""
    if isinstance(ckpt, dict):
        for key in ('state_dict', 'model'):
            if key in ckpt and isinstance(ckpt[key], dict):
                ckpt = ckpt[key]
                break
    sd = OrderedDict(ckpt)
    if sd and all(k.startswith('module.') for k in sd):
        sd = OrderedDict((k[7:], v) for k, v in sd.items())
    return sd


def detect_arch(state_dict: Dict[str, torch.Tensor]) -> str:
    """``'swin'``, ``'resnet'`` or ``'same'`` (any other backbone, taken to
    be the same class in the SSL model and the detector, e.g. mmdet's
    ``CSPNeXt`` pretrained as ``type='mmdet.CSPNeXt'``: keys kept as they
    are) from the backbone keys."""
    keys = [k for k in state_dict if k.startswith('backbone.')]
    if not keys:
        raise KeyError('no backbone.* keys: is this an mmpretrain '
                       'self-supervised checkpoint?')
    if any('stages.' in k and '.blocks.' in k for k in keys):
        return 'swin'
    if any(k.startswith('backbone.layer1.') for k in keys):
        return 'resnet'
    return 'same'


def resize_bias_table(table: torch.Tensor, window: int) -> torch.Tensor:
    """Resize a ``((2W-1)^2, heads)`` relative-position bias table to
    window ``window``: bicubic on the (2W-1)x(2W-1) grid of each head."""
    length, heads = table.shape
    src = int(round(math.sqrt(length)))
    dst = 2 * window - 1
    if src == dst:
        return table
    grid = table.t().reshape(1, heads, src, src).float()
    grid = F.interpolate(
        grid, size=(dst, dst), mode='bicubic', align_corners=False)
    return grid.reshape(heads, dst * dst).t().contiguous().to(table.dtype)


def relative_position_index(window: int) -> torch.Tensor:
    """mmdet ``WindowMSA``'s relative position index for a square window."""
    from mmdet.models.backbones.swin import WindowMSA
    coords = WindowMSA.double_step_seq(2 * window - 1, window, 1, window)
    return (coords + coords.T).flip(1).contiguous()


def convert_swin(sd: Dict[str, torch.Tensor],
                 window_size: Optional[int] = None,
                 pretrain_img_size: Optional[int] = None,
                 patch_size: int = 4) -> 'OrderedDict[str, torch.Tensor]':
    """mmpretrain (SimMIM)Swin backbone keys -> mmdet ``SwinTransformer``.

    Args:
        sd: the full SSL state dict (``backbone.*`` keys are used).
        window_size: the detector's window (``None`` keeps the SSL one).
        pretrain_img_size: the detector backbone's ``pretrain_img_size``
            (only to resize an absolute position embedding).
    """
    out = OrderedDict()
    for key, val in sd.items():
        if not key.startswith('backbone.'):
            continue
        name = key[len('backbone.'):]
        if name in DROPPED:
            continue
        if name.endswith(BIAS_TABLE) and window_size is not None:
            val = resize_bias_table(val, window_size)
        elif name.endswith(REL_INDEX) and window_size is not None:
            val = relative_position_index(window_size).to(val.dtype)
        elif name == 'absolute_pos_embed' and pretrain_img_size is not None:
            from mmpretrain.models.utils import resize_pos_embed
            old = int(round(math.sqrt(val.shape[1])))
            new = pretrain_img_size // patch_size
            val = resize_pos_embed(val, (old, old), (new, new), 'bicubic', 0)
        out['backbone.' + name] = val
    # mmdet's Swin-FPN has an output norm per stage; SimMIM only norm3.
    dims = {}
    for key, val in out.items():
        parts = key.split('.')
        if parts[1] == 'stages' and parts[3] == 'blocks' and \
                parts[-2] == 'norm1' and parts[-1] == 'weight':
            dims[int(parts[2])] = val.shape[0]
    for i, dim in dims.items():
        if f'backbone.norm{i}.weight' not in out:
            out[f'backbone.norm{i}.weight'] = torch.ones(dim)
            out[f'backbone.norm{i}.bias'] = torch.zeros(dim)
    return out


def convert_resnet(
        sd: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """SimSiam (mmpretrain ResNet) -> mmdet ResNet, and any backbone of the
    same class on both sides: same names, backbone only (projector
    ``neck.*`` and predictor ``head.*`` are dropped)."""
    return OrderedDict(
        (k, v) for k, v in sd.items() if k.startswith('backbone.'))


def convert_selfsup_to_det(ckpt,
                           window_size: Optional[int] = None,
                           pretrain_img_size: Optional[int] = None) -> dict:
    """Convert a loaded SSL checkpoint; returns ``dict(state_dict, meta)``
    with ``backbone.``-prefixed mmdet keys."""
    sd = state_dict_of(ckpt)
    arch = detect_arch(sd)
    if arch == 'swin':
        out = convert_swin(sd, window_size, pretrain_img_size)
    else:
        out = convert_resnet(sd)
    dropped = sorted({k.split('.')[0] for k in sd} - {'backbone'})
    meta = dict(
        arch=arch,
        window_size=window_size,
        dropped_prefixes=dropped,
        converted_by='defectzoo selfsup_to_det')
    return dict(state_dict=out, meta=meta)


def load_selfsup_for_det(filename, map_location=None):
    """``selfsup://PATH``: load the mmpretrain checkpoint PATH and convert
    it. The target window is not known here: mmdet's Swin resizes the bias
    tables itself, and the ``relative_position_index`` buffers (fixed by the
    window, rebuilt by mmdet) are left out, so a window change loads without
    a size mismatch. The offline tool writes a complete checkpoint."""
    path = filename[len('selfsup://'):]
    ckpt = CheckpointLoader.load_checkpoint(path, map_location=map_location)
    out = convert_selfsup_to_det(ckpt)
    out['state_dict'] = OrderedDict((k, v)
                                    for k, v in out['state_dict'].items()
                                    if not k.endswith(REL_INDEX))
    return out


def register_selfsup_scheme() -> None:
    """Register ``selfsup://`` with mmengine's ``CheckpointLoader`` (done
    on ``import defectzoo``, by
    :func:`~defectzoo.utils.checkpoint.enable_safe_checkpoint_loading`)."""
    CheckpointLoader.register_scheme(
        'selfsup://', load_selfsup_for_det, force=True)


__all__ = [
    'convert_selfsup_to_det', 'convert_swin', 'convert_resnet',
    'resize_bias_table', 'relative_position_index', 'detect_arch',
    'state_dict_of', 'register_selfsup_scheme'
]
