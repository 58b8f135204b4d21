"""Knowledge-distillation loss (Hinton et al. 2015) as used by the ICECET
2022 paper (Sampath et al., thesis ch. 4.3.4):

    L_KD = alpha * T^2 * KL(P_s^T || P_t^T) + (1 - alpha) * CE(P_s, y),
    P^T = softmax(z / T).

This module is the first term without ``alpha`` (the classifier weighs the
two terms). The paper writes the divergence as ``KL(P_s, P_t)``; like Hinton
et al. and every KD library we take the teacher as the target distribution,
``sum_c P_t log(P_t / P_s)`` (``F.kl_div(log P_s, P_t)``); ``reverse=True``
computes the literal ``sum_c P_s log(P_s / P_t)`` instead.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from defectzoo.registry import MODELS


def soften(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(z / T)`` over the last dimension."""
    return F.softmax(logits / temperature, dim=-1)


@MODELS.register_module()
class DistillKLDivLoss(nn.Module):
    """``loss_weight * T^2 * KL(P_t^T || P_s^T)``, averaged over the batch.

    Args:
        temperature: softmax temperature ``T`` (the paper does not give it;
            4 is Hinton et al.'s common choice). ``T^2`` keeps the gradient
            scale independent of ``T``.
        loss_weight: a factor on the loss.
        reverse: ``KL(P_s^T || P_t^T)`` instead (the paper's literal order).
    """

    def __init__(self,
                 temperature: float = 4.0,
                 loss_weight: float = 1.0,
                 reverse: bool = False):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = float(temperature)
        self.loss_weight = loss_weight
        self.reverse = reverse

    def forward(self, student_logits: torch.Tensor,
                teacher_probs: torch.Tensor) -> torch.Tensor:
        """
        Args:
            student_logits: ``(N, C)`` raw student scores ``z_s``.
            teacher_probs: ``(N, C)`` softened teacher probabilities
                ``P_t^T`` (the mean over an ensemble's members).
        """
        if student_logits.shape != teacher_probs.shape:
            raise ValueError(
                f'student logits {tuple(student_logits.shape)} and teacher '
                f'probabilities {tuple(teacher_probs.shape)} differ in shape')
        log_ps = F.log_softmax(student_logits / self.temperature, dim=-1)
        if self.reverse:
            log_pt = teacher_probs.clamp_min(1e-12).log()
            kl = (log_ps.exp() * (log_ps - log_pt)).sum(-1)
        else:
            kl = F.kl_div(log_ps, teacher_probs, reduction='none').sum(-1)
        return self.loss_weight * self.temperature**2 * kl.mean()
