"""N-way K-shot episodes on fixed embeddings (no training, no mmengine).

The few-shot protocol of Phuong et al. (2024, SCL + ArcMargin): for a query
image, "compare its feature vector to k-shot images of each class. The
prediction result is decided via the highest average value", i.e. the class
with the highest *mean of the cosine similarities* to its K support
embeddings (not the similarity to the mean support embedding). Accuracy is
averaged over many random episodes and reported with a 95 % confidence
interval of the mean: Student's t with ``E - 1`` degrees of freedom times
the standard error (``scipy.stats``); for the usual E = 600 episodes it is
within 0.3 % of the ``1.96 * std / sqrt(E)`` of common few-shot code.
"""
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np


class Episode(NamedTuple):
    """One episode: per chosen class, its support and query sample indices."""
    support: List[np.ndarray]
    query: List[np.ndarray]
    classes: List[int]


def eligible_classes(labels: Sequence[int],
                     num_shots: int,
                     classes: Optional[Sequence[int]] = None) -> List[int]:
    """Sorted classes (within ``classes`` if given) having at least
    ``num_shots + 1`` samples: K for the support, one or more queries."""
    values, counts = np.unique(
        np.asarray(labels, dtype=int), return_counts=True)
    allowed = None if classes is None else {int(c) for c in classes}
    return [
        int(c) for c, n in zip(values, counts)
        if n >= num_shots + 1 and (allowed is None or c in allowed)
    ]


def sample_episodes(labels: Sequence[int],
                    num_ways: int,
                    num_shots: int,
                    num_queries: Optional[int],
                    num_episodes: int,
                    seed: int,
                    classes: Optional[Sequence[int]] = None) -> List[Episode]:
    """Draw ``num_episodes`` N-way K-shot episodes, deterministic per seed.

    Each episode picks ``num_ways`` distinct classes uniformly among the
    eligible ones (see :func:`eligible_classes`), then per class a random
    ``num_shots`` support samples and, disjoint from them, ``num_queries``
    queries (None: all the class's other samples; a class with fewer than
    ``num_shots + num_queries`` samples gives the rest, at least one).
    """
    if num_ways < 1 or num_shots < 1 or num_episodes < 1:
        raise ValueError('num_ways, num_shots and num_episodes must be >= 1')
    if num_queries is not None and num_queries < 1:
        raise ValueError(f'num_queries must be >= 1 or None, got '
                         f'{num_queries}')
    labels = np.asarray(labels, dtype=int)
    pool = eligible_classes(labels, num_shots, classes)
    if len(pool) < num_ways:
        raise ValueError(
            f'{num_ways}-way {num_shots}-shot episodes need {num_ways} '
            f'classes with at least {num_shots + 1} samples each; only '
            f'{len(pool)} ({pool}) of the '
            f'{"allowed" if classes is not None else "present"} classes '
            'have that many.')
    members = {c: np.flatnonzero(labels == c) for c in pool}
    rng = np.random.default_rng(seed)
    episodes = []
    for _ in range(num_episodes):
        chosen = [
            pool[i] for i in rng.choice(len(pool), num_ways, replace=False)
        ]
        support, query = [], []
        for c in chosen:
            order = rng.permutation(members[c])
            end = None if num_queries is None else num_shots + num_queries
            support.append(order[:num_shots])
            query.append(order[num_shots:end])
        episodes.append(Episode(support, query, chosen))
    return episodes


def _l2_normalise(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-12)


def mean_similarity_scores(queries: np.ndarray,
                           supports: Sequence[np.ndarray]) -> np.ndarray:
    """``(Q, N)`` scores: the mean cosine similarity of each query to each
    class's support embeddings (the paper's "highest average value")."""
    queries = _l2_normalise(np.asarray(queries, dtype=np.float64))
    return np.stack(
        [(queries @ _l2_normalise(np.asarray(s, dtype=np.float64)).T).mean(1)
         for s in supports],
        axis=1)


def episode_accuracy(embeddings: np.ndarray, labels: Sequence[int],
                     episode: Episode) -> float:
    """Fraction (0-1) of the episode's queries whose highest mean cosine
    similarity is to the support set of their own class."""
    embeddings = np.asarray(embeddings)
    labels = np.asarray(labels, dtype=int)
    query_idx = np.concatenate(episode.query)
    scores = mean_similarity_scores(embeddings[query_idx],
                                    [embeddings[s] for s in episode.support])
    predicted = np.asarray(episode.classes)[scores.argmax(1)]
    return float((predicted == labels[query_idx]).mean())


def summarize_accuracies(accuracies: Sequence[float]) -> Dict[str, float]:
    """Mean, std (ddof 0) and the half-width of the 95 % t-interval of the
    mean (``t.ppf(0.975, E - 1) * sem``, :mod:`scipy.stats`) of episode
    accuracies given as fractions; the returned values are in percent."""
    from scipy import stats
    acc = np.asarray(accuracies, dtype=float) * 100
    ci95 = 0.0
    if len(acc) > 1 and acc.std() > 0:
        ci95 = float(stats.t.ppf(0.975, len(acc) - 1) * stats.sem(acc))
    return dict(
        accuracy=float(acc.mean()),
        ci95=ci95,
        std=float(acc.std()),
        num_episodes=len(acc))


def evaluate_episodes(
        embeddings: np.ndarray,
        labels: Sequence[int],
        num_ways: int,
        num_shots: int,
        num_queries: Optional[int] = 15,
        num_episodes: int = 600,
        seed: int = 0,
        classes: Optional[Sequence[int]] = None) -> Dict[str, float]:
    """Accuracy over random N-way K-shot episodes: ``dict(accuracy, ci95,
    std, num_episodes)``, accuracy / ci95 / std in percent."""
    episodes = sample_episodes(labels, num_ways, num_shots, num_queries,
                               num_episodes, seed, classes)
    return summarize_accuracies(
        [episode_accuracy(embeddings, labels, ep) for ep in episodes])


def format_table(rows: Sequence[dict]) -> str:
    """Plain-text table of ``dict(shots, accuracy, ci95, num_episodes)``."""
    lines = [
        f'{"shots":>5} | {"accuracy %":>10} | {"±95% CI":>8} | '
        f'{"episodes":>8}'
    ]
    lines.append('-' * len(lines[0]))
    for r in rows:
        lines.append(f'{r["shots"]:>5} | {r["accuracy"]:>10.2f} | '
                     f'{r["ci95"]:>8.2f} | {r["num_episodes"]:>8}')
    return '\n'.join(lines)
