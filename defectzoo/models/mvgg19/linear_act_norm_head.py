"""A stacked linear classifier whose hidden blocks are
Linear -> activation -> norm -> dropout.

MVGG19 (Apostolopoulos & Tzani, arXiv 2011.11305): "We used batch
normalization and 50% dropout after the dense layer of 2500 neurons", the
dense layer having a ReLU (Keras ``Dense(2500, activation='relu')``), then
``Dense(C, softmax)``. mmpretrain's ``StackedLinearClsHead`` orders its
hidden block Linear -> norm -> act -> dropout (BN before the ReLU), so
only the block order is changed here; loss, ``pre_logits`` and prediction
are StackedLinearClsHead's.
"""
from typing import Optional

import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmengine.model import ModuleList
from mmpretrain.models.heads import StackedLinearClsHead
from mmpretrain.models.heads.stacked_head import LinearBlock

from defectzoo.registry import MODELS


@MODELS.register_module()
class LinearActNormClsHead(StackedLinearClsHead):
    """Hidden blocks ``Linear -> act -> norm -> Dropout``, then ``Linear(C)``.

    Args:
        num_classes: number of classes.
        in_channels: input features (1408 for the paper's MVGG19).
        mid_channels: hidden sizes. Defaults to the paper's ``(2500, )``.
        dropout_rate: dropout after each hidden block. Defaults to 0.5.
        norm_cfg: Defaults to Keras' BatchNorm defaults
            (``BN1d``, momentum 0.01, eps 1e-3); None for no norm.
        act_cfg: Defaults to ReLU.
        loss: Defaults to mmpretrain's cross-entropy (prefixed, so that it
            builds in the ``defectzoo`` scope).
        **kwargs: :class:`mmpretrain.models.ClsHead` arguments (``topk``,
            ``init_cfg``).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 mid_channels=(2500, ),
                 dropout_rate: float = 0.5,
                 norm_cfg: Optional[dict] = dict(
                     type='BN1d', momentum=0.01, eps=1e-3),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 loss: dict = dict(
                     type='mmpretrain.CrossEntropyLoss', loss_weight=1.0),
                 **kwargs):
        super().__init__(
            num_classes,
            in_channels,
            list(mid_channels),
            dropout_rate=dropout_rate,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            loss=loss,
            **kwargs)

    def _init_layers(self):
        self.layers = ModuleList()
        in_channels = self.in_channels
        for hidden in self.mid_channels:
            block = [nn.Linear(in_channels, hidden)]
            if self.act_cfg is not None:
                block.append(build_activation_layer(self.act_cfg))
            if self.norm_cfg is not None:
                block.append(build_norm_layer(self.norm_cfg, hidden)[1])
            if self.dropout_rate > 0:
                block.append(nn.Dropout(self.dropout_rate))
            self.layers.append(nn.Sequential(*block))
            in_channels = hidden
        self.layers.append(LinearBlock(in_channels, self.num_classes))
