"""A model's input normalisation as a plain module."""
import torch
import torch.nn as nn


class PreprocessNormalize(nn.Module):
    """What a model's data preprocessor does to the pixels, as a plain
    ``nn.Module``: the BGR -> RGB flip (when the preprocessor has it), then
    ``(image - mean) / std``.

    Used where a model runs on image tensors without its data preprocessor:
    the export wrappers of :mod:`defectzoo.deploy` and the CAM wrappers of
    :mod:`defectzoo.visualization.cam`.

    Args:
        preprocessor: the model's ``data_preprocessor`` (its ``mean`` /
            ``std``, default 0 / 1, and channel-conversion flag are copied).
    """

    def __init__(self, preprocessor: nn.Module):
        super().__init__()
        mean = getattr(preprocessor, 'mean', None)
        std = getattr(preprocessor, 'std', None)
        self.register_buffer('mean',
                             (mean if mean is not None else torch.zeros(
                                 3, 1, 1)).detach().float().reshape(
                                     1, -1, 1, 1).clone())
        self.register_buffer('std', (std if std is not None else torch.ones(
            3, 1, 1)).detach().float().reshape(1, -1, 1, 1).clone())
        self.flip = bool(
            getattr(preprocessor, '_channel_conversion', False)
            or getattr(preprocessor, 'to_rgb', False)
            or getattr(preprocessor, 'bgr_to_rgb', False))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        if self.flip:
            image = image.flip(1)
        return (image - self.mean) / self.std
