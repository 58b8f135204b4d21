"""N-way K-shot episode accuracy on the embeddings of the test set.

The paper's few-shot protocol (Phuong et al. 2024): for a query, "compare its
feature vector to k-shot images of each class. The prediction result is
decided via the highest average value" (mean cosine similarity to the K
support embeddings). Episodes are drawn from the evaluated samples; see
:mod:`defectzoo.evaluation.few_shot`.
"""
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from defectzoo.registry import METRICS
from ..few_shot import evaluate_episodes, format_table


@METRICS.register_module()
class FewShotEpisodeMetric(BaseMetric):
    """Mean accuracy and 95 % CI (percent) of N-way K-shot episodes.

    Reads ``embedding`` (1-D feature, e.g. L2-normalised) and ``gt_label``
    of each data sample; the model's ``predict`` must set ``embedding``.
    Keys: ``{K}-shot_acc`` and ``{K}-shot_ci95`` for each K (with the
    prefix, ``few-shot/1-shot_acc``). The same seed is used for every K.

    Args:
        num_ways: classes per episode (N).
        num_shots: support images per class (K), one or several.
        num_queries: queries per class; None = all the class's other images.
        num_episodes: episodes per K.
        seed: seed of the episode sampler.
        classes: draw episodes only among these labels (default: all).
        collect_device, prefix: see :class:`mmengine.evaluator.BaseMetric`.
    """
    default_prefix = 'few-shot'

    def __init__(self,
                 num_ways: int = 3,
                 num_shots: Union[int, Sequence[int]] = (1, 3, 5),
                 num_queries: Optional[int] = 15,
                 num_episodes: int = 600,
                 seed: int = 0,
                 classes: Optional[Sequence[int]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_ways = num_ways
        self.num_shots = [num_shots] if isinstance(num_shots, int) \
            else list(num_shots)
        self.num_queries = num_queries
        self.num_episodes = num_episodes
        self.seed = seed
        self.classes = classes

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if sample.get('embedding') is None:
                raise KeyError(
                    'FewShotEpisodeMetric needs the field `embedding` in each '
                    "data sample; the model's predict must set `embedding`, "
                    'e.g. SCLArcMarginClassifier.')
            emb = np.asarray(
                sample['embedding'].detach().cpu(),
                dtype=np.float32).reshape(-1)
            self.results.append((emb, int(sample['gt_label'].reshape(-1)[0])))

    def compute_metrics(self, results: List) -> dict:
        embeddings = np.stack([r[0] for r in results])
        labels = np.array([r[1] for r in results])
        out, rows = {}, []
        for k in self.num_shots:
            res = evaluate_episodes(embeddings, labels, self.num_ways, k,
                                    self.num_queries, self.num_episodes,
                                    self.seed, self.classes)
            out[f'{k}-shot_acc'] = res['accuracy']
            out[f'{k}-shot_ci95'] = res['ci95']
            rows.append(dict(res, shots=k))
        print_log(
            f'{self.num_ways}-way few-shot accuracy on {len(labels)} '
            f'images:\n{format_table(rows)}',
            logger='current')
        return out
