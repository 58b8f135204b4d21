"""MVGG19 backbone: mmpretrain's VGG19 with taps at several depths.

Apostolopoulos & Tzani, "Industrial object, machine part and defect
recognition towards fully automated industrial monitoring employing deep
learning. The case of multilevel VGG19" (arXiv 2011.11305):

    "After the second, third, and fourth max-pooling layers, the extracted
    feature maps are processed by "BD" layers [...]. The three BD outputs
    and the sequential output are concatenated"

The sequential output is Keras' ``block5_conv3`` (after its ReLU), i.e.
``features[18]`` of mmpretrain's ``VGG(depth=19)``, which the stage-level
``out_indices`` cannot reach. This backbone only returns the tapped maps;
:class:`~defectzoo.models.mvgg19.MultiPathNeck` does BD + GAP + concat.
"""
import re
from typing import List, Sequence

from mmpretrain.models.backbones import VGG

from defectzoo.registry import MODELS


@MODELS.register_module()
class MVGG19(VGG):
    """VGG feature maps at named taps, in depth order.

    Taps are ``'pool<k>'`` (after the k-th max-pool, k = 1..5) or
    ``'conv<b>_<i>'`` (after the ReLU of the i-th conv of block b, Keras'
    ``block<b>_conv<i>``). Layers deeper than the last tap are removed
    (the Keras model ends at ``block5_conv3``: ``block5_conv4`` and
    ``block5_pool`` are not built), so a VGG19 checkpoint loads with
    unexpected keys for those layers only.

    Args:
        taps: where to take feature maps. Defaults to the paper's
            ``('pool2', 'pool3', 'pool4', 'conv5_3')`` (128, 256, 512,
            512 channels); ``('conv5_3',)`` is the VGG19 baseline.
        depth: VGG depth. Defaults to 19.
        frozen_stages: blocks (conv + pool) to freeze, counting from the
            input; 5 freezes the whole conv base as the authors' code did.
        init_cfg: e.g. ``dict(type='Pretrained', checkpoint=PATH,
            prefix='backbone.')`` for an mmpretrain VGG19 classifier
            checkpoint. Defaults to VGG's Kaiming initialisation.
        **kwargs: other :class:`mmpretrain.models.VGG` arguments
            (``norm_cfg`` for VGG19-BN, ``norm_eval``, ...).
    """

    def __init__(self,
                 taps: Sequence[str] = ('pool2', 'pool3', 'pool4', 'conv5_3'),
                 depth: int = 19,
                 frozen_stages: int = -1,
                 **kwargs):
        for key in ('num_classes', 'out_indices', 'num_stages'):
            if key in kwargs:
                raise TypeError(f'MVGG19 sets {key!r} itself; choose the '
                                'outputs with `taps`')
        super().__init__(
            depth,
            num_classes=-1,
            out_indices=(4, ),
            frozen_stages=frozen_stages,
            **kwargs)
        self.depth = depth
        # block ranges in the full VGG, before the cut below
        self.block_ranges = [tuple(r) for r in self.range_sub_modules]
        self.taps = tuple(taps)
        self.tap_indices = [self.layer_index(t) for t in self.taps]
        if not self.tap_indices or self.tap_indices != sorted(
                set(self.tap_indices)):
            raise ValueError(f'taps must be distinct and in depth order, got '
                             f'{self.taps}')
        last = self.tap_indices[-1]
        self.features = self.features[:last + 1]
        self.range_sub_modules = [[start, min(end, last + 1)]
                                  for start, end in self.range_sub_modules]
        self.out_channels = [self._channels(i) for i in self.tap_indices]
        self._freeze_stages()

    def layer_index(self, tap: str) -> int:
        """Index in ``features`` of a tap name (``'conv5_3'`` -> 18)."""
        match = re.fullmatch(r'pool(\d)|conv(\d)_(\d)', tap)
        if match is None:
            raise ValueError(
                f'unknown tap {tap!r}; use pool<k> or conv<b>_<i>')
        if match.group(1):
            block, pos = int(match.group(1)), None
        else:
            block, pos = int(match.group(2)), int(match.group(3))
        if not 1 <= block <= len(self.stage_blocks):
            raise ValueError(f'tap {tap!r}: VGG{self.depth} has '
                             f'{len(self.stage_blocks)} blocks')
        start, end = self.block_ranges[block - 1]
        if pos is None:
            return end - 1
        if not 1 <= pos <= self.stage_blocks[block - 1]:
            raise ValueError(f'tap {tap!r}: block {block} has '
                             f'{self.stage_blocks[block - 1]} convs')
        return start + pos - 1

    def _channels(self, index: int) -> int:
        """Output channels of ``features[index]`` (a conv or a pool)."""
        for layer in reversed(list(self.features[:index + 1])):
            if hasattr(layer, 'conv'):
                return layer.conv.out_channels
        raise ValueError(f'no conv up to features[{index}]')

    def forward(self, x) -> tuple:
        outs: List = []
        for i, layer in enumerate(self.features):
            x = layer(x)
            if i in self.tap_indices:
                outs.append(x)
        return tuple(outs)
