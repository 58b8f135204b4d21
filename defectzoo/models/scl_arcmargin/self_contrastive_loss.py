"""Self-contrastive loss of the SCL + ArcMargin paper (Phuong et al. 2024):
SimCLR's NT-Xent between the original image and its two random views."""
from itertools import combinations

import torch
import torch.nn as nn
import torch.nn.functional as F

from defectzoo.registry import MODELS


def nt_xent(a: torch.Tensor,
            b: torch.Tensor,
            temperature: float = 0.5,
            symmetric: bool = False) -> torch.Tensor:
    """NT-Xent of the pairs ``(a_n, b_n)`` in their own pool of ``2N``::

        l(a, b) = -log( exp(sim(z_a, z_b) / tau)
                        / sum_{k != a} exp(sim(z_a, z_k) / tau) )

    with ``sim`` the cosine similarity and ``k`` over the ``2N`` embeddings
    ``[a; b]`` (every other image, in either view, is a negative).

    Args:
        a, b: ``(N, d)`` embeddings of two views of the same ``N`` images.
        symmetric: average ``l(a, b)`` and ``l(b, a)`` (SimCLR); else the
            anchors are ``a`` only, as the paper's Eq. 2 writes it.

    Returns:
        the mean over the anchors (a scalar).
    """
    if a.shape != b.shape or a.dim() != 2:
        raise ValueError(f'expected two (N, d) tensors of one shape, got '
                         f'{tuple(a.shape)} and {tuple(b.shape)}')
    n = a.size(0)
    z = F.normalize(torch.cat([a, b]), dim=1)
    logits = z @ z.t() / temperature
    self_mask = torch.eye(2 * n, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(self_mask, float('-inf'))
    index = torch.arange(n, device=z.device)
    positives = torch.cat([index + n, index])
    losses = F.cross_entropy(logits, positives, reduction='none')
    return losses.mean() if symmetric else losses[:n].mean()


@MODELS.register_module()
class SelfContrastiveLoss(nn.Module):
    """``L_con`` (the paper's Eq. 2): NT-Xent averaged over every pair of
    views of a batch, each pair its own pool of ``2N``::

        L_con = 1/(3N) sum_n [ l(x_n, x_i) + l(x_n, x_j) + l(x_i, x_j) ]

    for the original ``x_n`` and its views ``x_i``, ``x_j`` (three views; two
    views give SimCLR's loss). Same-class images of a batch are negatives:
    labels are not used.

    Args:
        temperature: ``tau``. Defaults to 0.5 (the paper's Table I).
        symmetric: both directions of every pair (SimCLR style).
        loss_weight: ``alpha`` of ``L = alpha L_con + beta L_arc``.
            Defaults to 0.75.
    """

    def __init__(self,
                 temperature: float = 0.5,
                 symmetric: bool = False,
                 loss_weight: float = 0.75):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.symmetric = symmetric
        self.loss_weight = loss_weight

    def forward(self, *views: torch.Tensor) -> torch.Tensor:
        """``views``: ``(N, d)`` embeddings, the original first."""
        if len(views) < 2:
            raise ValueError('SelfContrastiveLoss needs at least two views of '
                             f'each image, got {len(views)}')
        pair_losses = [
            nt_xent(a, b, self.temperature, self.symmetric)
            for a, b in combinations(views, 2)
        ]
        return self.loss_weight * torch.stack(pair_losses).mean()

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, symmetric={self.symmetric}, '
                f'loss_weight={self.loss_weight}')
