"""Channel (squeeze-and-excitation) and spatial attention as ResNet
bottleneck plugins (Defect-Aux-Net, Sampath et al., IEEE TII 2023).

The paper puts, inside every ResNet-50 bottleneck and before the residual
addition, squeeze-and-excitation channel attention

    s = sigmoid(W2 ReLU(W1 GAP(x))),  x <- s * x
    (W1: C -> C/16, W2: C/16 -> C)

followed by spatial attention

    m = sigmoid(conv7x7([AvgPool_c(x) ; MaxPool_c(x)])),  x <- m * x

Both are small :class:`~mmengine.model.BaseModule` s built from mmcv's
``ConvModule`` (the shape of mmyolo's ``models/plugins/cbam.py``) and
registered as plugins, so any mmdet / mmpretrain ``ResNet`` switches them
on by config through mmcv's ``build_plugin_layer``::

    backbone=dict(
        type='mmdet.ResNet', depth=50,
        plugins=[dict(cfg=dict(type='defectzoo.SEAttention'),
                      position='after_conv3'),
                 dict(cfg=dict(type='defectzoo.SpatialAttention'),
                      position='after_conv3')])

Plugins at one position run in list order (SE then SA above). Under
``default_scope='defectzoo'`` the prefix may be left out.
"""
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from defectzoo.registry import MODELS


@MODELS.register_module()
class SEAttention(BaseModule):
    """Squeeze-and-excitation channel attention (Hu et al. 2018).

    ``GAP -> 1x1 conv (C -> C/ratio) -> ReLU -> 1x1 conv (C/ratio -> C) ->
    sigmoid``, then the input is scaled channel-wise. Extra parameters:
    ``2 * C * (C // ratio) + C // ratio + C``.

    Args:
        in_channels: channels ``C`` of the feature map (given by the ResNet
            plugin mechanism).
        ratio: squeeze ratio. Defaults to 16 (the paper's).
        act_cfg: activation after the squeeze. Defaults to ReLU.
        init_cfg: initialisation config.
    """

    _abbr_ = 'se_attn'

    def __init__(self,
                 in_channels: int,
                 ratio: int = 16,
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg)
        if in_channels // ratio < 1:
            raise ValueError(f'SEAttention: in_channels={in_channels} is '
                             f'smaller than ratio={ratio}')
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.squeeze = ConvModule(
            in_channels, in_channels // ratio, 1, act_cfg=act_cfg)
        self.excite = ConvModule(
            in_channels // ratio, in_channels, 1, act_cfg=dict(type='Sigmoid'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.excite(self.squeeze(self.pool(x)))


@MODELS.register_module()
class SpatialAttention(BaseModule):
    """Spatial attention (the spatial half of CBAM, Woo et al. 2018).

    Channel-wise average and max pooling, concatenated, ``k x k`` conv to one
    map, sigmoid, then the input is scaled pixel-wise. Extra parameters:
    ``2 * k * k + 1``.

    Args:
        in_channels: accepted for the plugin mechanism; unused.
        kernel_size: Defaults to 7 (the paper's).
        init_cfg: initialisation config.
    """

    _abbr_ = 'spatial_attn'

    def __init__(self,
                 in_channels: int = None,
                 kernel_size: int = 7,
                 init_cfg=None):
        super().__init__(init_cfg)
        if kernel_size % 2 != 1:
            raise ValueError(f'SpatialAttention: kernel_size must be odd, '
                             f'got {kernel_size}')
        self.conv = ConvModule(
            2,
            1,
            kernel_size,
            padding=kernel_size // 2,
            act_cfg=dict(type='Sigmoid'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = torch.cat(
            [x.mean(dim=1, keepdim=True),
             x.amax(dim=1, keepdim=True)], dim=1)
        return x * self.conv(pooled)
