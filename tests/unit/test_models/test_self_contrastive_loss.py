"""nt_xent / SelfContrastiveLoss: a hand-computed value, the three-view
average, the one- and two-directional variants against a loop written from
the paper's formula, gradients and argument errors."""
import math
from itertools import combinations

import pytest
import torch

from defectzoo.models.scl_arcmargin import SelfContrastiveLoss, nt_xent
from defectzoo.registry import MODELS


def loop_nt_xent(a, b, tau, symmetric=False):
    """The paper's l(a, b), anchor by anchor, in the pool of 2N: ``-log(
    exp(sim(z_a, z_b) / tau) / sum_{k != a} exp(sim(z_a, z_k) / tau))``."""
    n = a.size(0)
    pool = [*a, *b]

    def sim(u, v):
        return float(torch.dot(u, v) / (u.norm() * v.norm()))

    def anchor_loss(i, j):  # anchor pool[i], positive pool[j]
        den = sum(
            math.exp(sim(pool[i], pool[k]) / tau) for k in range(2 * n)
            if k != i)
        return -math.log(math.exp(sim(pool[i], pool[j]) / tau) / den)

    losses = [anchor_loss(i, i + n) for i in range(n)]
    if symmetric:
        losses += [anchor_loss(i + n, i) for i in range(n)]
    return sum(losses) / len(losses)


def test_hand_computed_value():
    # a = b = [e1, e2]: each anchor has its positive at cosine 1 and two
    # negatives at cosine 0 -> l = -log(e^2 / (e^2 + 2)) = log(1 + 2 e^-2)
    e = torch.eye(2)
    expected = math.log(1 + 2 * math.exp(-2))
    assert expected == pytest.approx(0.2395448, abs=1e-7)
    for symmetric in (False, True):
        assert nt_xent(e, e.clone(), 0.5, symmetric).item() == \
            pytest.approx(expected, abs=1e-6)
    # cosine similarity: the scale of the embeddings does not matter
    assert nt_xent(3 * e, 0.1 * e, 0.5).item() == pytest.approx(
        expected, abs=1e-6)
    # the loss module with the paper's defaults: 0.75 x the same value for
    # every pair of three identical views
    loss = SelfContrastiveLoss()
    assert (loss.temperature, loss.symmetric, loss.loss_weight) == (0.5, False,
                                                                    0.75)
    assert loss(e, e, e).item() == pytest.approx(0.75 * expected, abs=1e-6)


def test_matches_the_formula_loop_both_directions():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(5, 7, generator=g)
    b = torch.randn(5, 7, generator=g) * 2.0 + 0.3
    one_way = nt_xent(a, b, 0.5, symmetric=False).item()
    both = nt_xent(a, b, 0.5, symmetric=True).item()
    assert one_way == pytest.approx(loop_nt_xent(a, b, 0.5), rel=1e-5)
    assert both == pytest.approx(loop_nt_xent(a, b, 0.5, True), rel=1e-5)
    # the asymmetric case really differs between the two variants
    assert abs(one_way - both) > 1e-3
    # the anchors of the one-way loss are `a` only: swapping the arguments
    # gives the other direction, and the symmetric loss is their mean
    other = nt_xent(b, a, 0.5).item()
    assert other == pytest.approx(loop_nt_xent(b, a, 0.5), rel=1e-5)
    assert both == pytest.approx((one_way + other) / 2, rel=1e-5)
    # another temperature
    assert nt_xent(a, b, 0.1).item() == pytest.approx(
        loop_nt_xent(a, b, 0.1), rel=1e-5)


@pytest.mark.parametrize('symmetric', [False, True])
def test_three_views_are_the_mean_of_the_three_pairs(symmetric):
    g = torch.Generator().manual_seed(1)
    x, xi, xj = (torch.randn(4, 6, generator=g) for _ in range(3))
    loss = SelfContrastiveLoss(
        temperature=0.5, symmetric=symmetric, loss_weight=0.6)
    pairs = [
        loop_nt_xent(p, q, 0.5, symmetric)
        for p, q in ((x, xi), (x, xj), (xi, xj))
    ]
    assert loss(x, xi, xj).item() == pytest.approx(
        0.6 * sum(pairs) / 3, rel=1e-5)
    # two views: SimCLR's loss (one pair)
    assert loss(x, xi).item() == pytest.approx(0.6 * pairs[0], rel=1e-5)
    # four views: all six pairs
    x4 = torch.randn(4, 6, generator=g)
    views = (x, xi, xj, x4)
    six = [
        loop_nt_xent(p, q, 0.5, symmetric) for p, q in combinations(views, 2)
    ]
    assert loss(*views).item() == pytest.approx(0.6 * sum(six) / 6, rel=1e-5)


def test_gradient_reaches_every_view():
    g = torch.Generator().manual_seed(2)
    views = [torch.randn(3, 5, generator=g).requires_grad_() for _ in range(3)]
    SelfContrastiveLoss()(*views).backward()
    for v in views:
        assert v.grad is not None and torch.isfinite(v.grad).all()
        assert v.grad.abs().sum() > 0
    # also the last view of a one-way pair (only a negative / positive there)
    a, b = (torch.randn(3, 5, generator=g).requires_grad_() for _ in range(2))
    nt_xent(a, b).backward()
    assert a.grad.abs().sum() > 0 and b.grad.abs().sum() > 0


def test_same_image_in_both_slots_is_not_its_own_negative():
    # perfectly aligned views (every anchor's positive = itself) and
    # orthogonal images: the lowest value the pool of 2N allows
    n = 4
    e = torch.eye(n)
    expected = math.log(1 + 2 * (n - 1) * math.exp(-2))
    assert nt_xent(e, e).item() == pytest.approx(expected, abs=1e-6)
    # and no NaN / inf from the masked diagonal
    assert torch.isfinite(nt_xent(e, e, 0.05))


def test_registered_and_built_by_config():
    loss = MODELS.build(
        dict(
            type='SelfContrastiveLoss',
            temperature=0.2,
            symmetric=True,
            loss_weight=1.0))
    assert isinstance(loss, SelfContrastiveLoss)
    assert 'temperature=0.2' in repr(loss) and 'symmetric=True' in repr(loss)


def test_errors():
    x = torch.randn(3, 4)
    with pytest.raises(ValueError, match='at least two views'):
        SelfContrastiveLoss()(x)
    with pytest.raises(ValueError, match='at least two views'):
        SelfContrastiveLoss()()
    with pytest.raises(ValueError, match='one shape'):
        nt_xent(x, torch.randn(2, 4))
    with pytest.raises(ValueError, match='one shape'):
        nt_xent(x, torch.randn(3, 5))
    with pytest.raises(ValueError, match='one shape'):
        nt_xent(torch.randn(3), torch.randn(3))
    with pytest.raises(ValueError, match='one shape'):
        SelfContrastiveLoss()(x, x, torch.randn(2, 4))
    for tau in (0, -0.5):
        with pytest.raises(ValueError, match='temperature must be > 0'):
            SelfContrastiveLoss(temperature=tau)
