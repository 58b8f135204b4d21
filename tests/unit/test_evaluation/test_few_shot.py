"""N-way K-shot episodes: sampler, the paper's mean-similarity rule, the CI,
the metric and tools/analysis_tools/few_shot_eval.py (with a toy model)."""
import json
import math
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, MODELS
from mmpretrain.structures import DataSample
from torch import nn
from torch.utils.data import Dataset

from defectzoo.cli import few_shot_eval as few_shot_eval_cli
from defectzoo.evaluation.few_shot import (Episode, episode_accuracy,
                                           evaluate_episodes, format_table,
                                           mean_similarity_scores,
                                           sample_episodes,
                                           summarize_accuracies)
from defectzoo.evaluation.metrics import FewShotEpisodeMetric
from tests.conftest import write_config

# class: count -> with 2 shots, classes 0, 1, 2, 3 are eligible (>= 3)
COUNTS = {0: 20, 1: 20, 2: 3, 3: 10, 4: 1}
LABELS = np.repeat(list(COUNTS), list(COUNTS.values()))


def unit(deg):
    rad = np.deg2rad(deg)
    return np.array([np.cos(rad), np.sin(rad)])


def clusters(per_class=8, num_classes=3, noise=0.05, seed=0):
    """Well-separated 2-D clusters at evenly spaced angles."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(num_classes), per_class)
    emb = np.stack([unit(360 * c / num_classes) for c in labels])
    return emb + noise * rng.standard_normal(emb.shape), labels


# ---- sampler ----------------------------------------------------------------
def test_episodes_counts_disjoint_and_labels():
    episodes = sample_episodes(LABELS, 3, 2, 5, 200, seed=0)
    assert len(episodes) == 200
    for ep in episodes:
        assert len(ep.classes) == len(set(ep.classes)) == 3
        assert set(ep.classes) <= {0, 1, 2, 3}
        for c, sup, qry in zip(ep.classes, ep.support, ep.query):
            assert len(sup) == 2
            assert len(qry) == min(5, COUNTS[c] - 2)  # class 2: 1 query
            assert not set(sup) & set(qry)
            assert (LABELS[sup] == c).all() and (LABELS[qry] == c).all()


def test_all_remaining_are_queries_with_none():
    for ep in sample_episodes(LABELS, 2, 3, None, 20, seed=1):
        for c, sup, qry in zip(ep.classes, ep.support, ep.query):
            assert len(sup) == 3
            assert sorted([*sup, *qry]) == np.flatnonzero(LABELS == c).tolist()


def test_classes_restricted_and_chosen_uniformly():
    episodes = sample_episodes(
        LABELS, 2, 2, 5, 600, seed=0, classes=[0, 2, 3, 4])
    seen = Counter(c for ep in episodes for c in ep.classes)
    assert set(seen) == {0, 2, 3}  # 4 is too small, 1 not allowed
    for n in seen.values():  # each expected 400 times
        assert 340 < n < 460, seen


def test_episodes_are_seeded():

    def flat(eps):
        return [(ep.classes, [s.tolist() for s in ep.support],
                 [q.tolist() for q in ep.query]) for ep in eps]

    a = sample_episodes(LABELS, 3, 1, 4, 30, seed=3)
    assert flat(a) == flat(sample_episodes(LABELS, 3, 1, 4, 30, seed=3))
    assert flat(a) != flat(sample_episodes(LABELS, 3, 1, 4, 30, seed=4))


def test_too_few_classes_is_an_error():
    with pytest.raises(ValueError, match=r'5-way 2-shot .* only 4'):
        sample_episodes(LABELS, 5, 2, 5, 10, seed=0)
    with pytest.raises(ValueError, match='only 1'):  # class 2 has 3 < 3 + 1
        sample_episodes(LABELS, 2, 3, 5, 10, seed=0, classes=[1, 2])


# ---- the paper's rule -------------------------------------------------------
def test_mean_of_similarities_not_similarity_to_mean():
    # class A: supports at +-80 deg (their mean points at 0 deg);
    # class B: both supports at 40 deg; queries (class B) at 10 and 5 deg.
    emb = np.stack(
        [unit(80), unit(-80),
         unit(40), unit(40),
         unit(10), unit(5)])
    labels = [0, 0, 1, 1, 1, 1]
    ep = Episode(
        [np.array([0, 1]), np.array([2, 3])],
        [np.array([], dtype=int), np.array([4, 5])], [0, 1])
    scores = mean_similarity_scores(emb[[4]], [emb[[0, 1]], emb[[2, 3]]])
    # A: (cos 70 + cos 90) / 2, B: cos 30
    np.testing.assert_allclose(
        scores, [[(math.cos(math.radians(70)) + 0) / 2,
                  math.cos(math.radians(30))]],
        atol=1e-12)
    # the paper's rule gets both right ...
    assert episode_accuracy(emb, labels, ep) == 1.0
    # ... the cosine to the mean support (prototype) would get both wrong
    proto = np.stack(
        [emb[s].mean(0) / np.linalg.norm(emb[s].mean(0)) for s in ep.support])
    assert (np.argmax(emb[[4, 5]] @ proto.T, 1) == 0).all()


def test_embeddings_need_not_be_normalised():
    emb, labels = clusters()
    ep = sample_episodes(labels, 3, 2, 4, 1, seed=0)[0]
    scale = np.arange(1, len(emb) + 1)[:, None]
    assert episode_accuracy(emb * scale, labels, ep) == \
        episode_accuracy(emb, labels, ep) == 1.0


def test_separated_clusters_give_100_percent():
    emb, labels = clusters()
    res = evaluate_episodes(emb, labels, 3, 1, 15, 50, seed=0)
    assert res == dict(accuracy=100.0, ci95=0.0, std=0.0, num_episodes=50)


def test_ci95_by_hand():
    # percent 100, 50, 50, 100: mean 75, std 25 (ddof 0); the 95 % CI is
    # t(0.975, df=3) = 3.182446 times the standard error
    # sqrt(4 * 25**2 / 3) / sqrt(4) = 14.433757
    res = summarize_accuracies([1.0, 0.5, 0.5, 1.0])
    assert res == pytest.approx(
        dict(
            accuracy=75.0, std=25.0, ci95=3.182446 * 14.433757,
            num_episodes=4))


def test_format_table():
    table = format_table(
        [dict(shots=1, accuracy=82.156, ci95=0.714, num_episodes=600)])
    assert table.splitlines()[0].split('|')[1].strip() == 'accuracy %'
    assert table.splitlines()[2].split() == [
        '1', '|', '82.16', '|', '0.71', '|', '600'
    ]


# ---- metric -----------------------------------------------------------------
def samples(emb, labels):
    """Dicts of DataSamples as the model's predict makes them."""
    out = []
    for e, label in zip(emb, labels):
        ds = DataSample().set_gt_label(int(label))
        ds.set_field(torch.tensor(e, dtype=torch.float32), 'embedding')
        out.append(ds.to_dict())
    return out


def test_metric_keys_and_values():
    emb, labels = clusters(noise=0.6, seed=1)  # overlapping: not 100 %
    metric = FewShotEpisodeMetric(
        num_shots=(1, 3), num_queries=4, num_episodes=40, seed=2)
    data = samples(emb, labels)
    metric.process(None, data[:10])
    metric.process(None, data[10:])
    out = metric.evaluate(len(data))
    assert set(out) == {
        'few-shot/1-shot_acc', 'few-shot/1-shot_ci95', 'few-shot/3-shot_acc',
        'few-shot/3-shot_ci95'
    }
    for k in (1, 3):
        ref = evaluate_episodes(
            emb.astype(np.float32), labels, 3, k, 4, 40, seed=2)
        assert out[f'few-shot/{k}-shot_acc'] == pytest.approx(ref['accuracy'])
        assert out[f'few-shot/{k}-shot_ci95'] == pytest.approx(ref['ci95'])
    assert out['few-shot/1-shot_acc'] < 100


def test_metric_without_embedding_names_the_field():
    metric = FewShotEpisodeMetric()
    data = [DataSample().set_gt_label(0).to_dict()]
    with pytest.raises(KeyError, match='must set `embedding`.*SCLArcMargin'):
        metric.process(None, data)


def test_metric_is_registered():
    from defectzoo.registry import METRICS
    metric = METRICS.build(dict(type='FewShotEpisodeMetric', num_shots=5))
    assert metric.num_shots == [5] and metric.prefix == 'few-shot'


# ---- tool -------------------------------------------------------------------
def test_tool_arguments():
    args = few_shot_eval_cli.parse_args(['cfg.py', 'ckpt.pth'])
    assert (args.ways, args.shots, args.queries, args.episodes, args.seed,
            args.work_dir, args.cfg_options) == (3, [1, 3, 5], 15, 600, 0,
                                                 None, None)
    args = few_shot_eval_cli.parse_args([
        'cfg.py', 'ckpt.pth', '--ways', '2', '--shots', '5', '--queries', '0',
        '--episodes', '10', '--seed', '7', '--work-dir', 'w', '--cfg-options',
        'test_dataloader.batch_size=4'
    ])
    assert few_shot_eval_cli.few_shot_metric(args) == dict(
        type='defectzoo.FewShotEpisodeMetric',
        num_ways=2,
        num_shots=[5],
        num_queries=None,
        num_episodes=10,
        seed=7)
    assert args.cfg_options == {'test_dataloader.batch_size': 4}


@MODELS.register_module()
class FewShotToyEmbedder(BaseModel):
    """``embedding`` = normalised ``W x``; W is zero until a checkpoint
    sets it (all embeddings 0 -> ties -> chance accuracy)."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(2, 2, bias=False)
        nn.init.zeros_(self.proj.weight)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        emb = F.normalize(self.proj(torch.stack(inputs)), dim=1)
        if mode != 'predict':
            return emb
        for ds, e in zip(data_samples, emb):
            ds.set_field(e, 'embedding')
        return data_samples


@DATASETS.register_module()
class FewShotToyClusters(Dataset):
    """3 classes x 8 points in well-separated 2-D clusters."""

    def __init__(self):
        self.x, self.y = clusters()

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return dict(
            inputs=torch.tensor(self.x[i], dtype=torch.float32),
            data_samples=DataSample().set_gt_label(int(self.y[i])))


def test_tool_end_to_end_with_toy_model(tmp_path):
    cfg = write_config(
        tmp_path / 'toy.py', """
        model = dict(type='FewShotToyEmbedder')
        test_dataloader = dict(
            batch_size=5, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(type='FewShotToyClusters'))
        test_evaluator = dict(type='Accuracy')  # replaced by the tool
        """)
    ckpt = tmp_path / 'toy.pth'
    torch.save(dict(state_dict={'proj.weight': torch.eye(2)}), ckpt)
    work_dir = tmp_path / 'work'
    rows = few_shot_eval_cli.run([
        cfg,
        str(ckpt), '--shots', '1', '3', '--episodes', '20', '--work-dir',
        str(work_dir)
    ])
    assert [(r['shots'], r['accuracy'], r['ci95'], r['num_episodes'])
            for r in rows] == [(1, 100.0, 0.0, 20), (3, 100.0, 0.0, 20)]
    with open(work_dir / 'few_shot.json') as f:
        saved = json.load(f)
    assert saved['results'] == rows and saved['ways'] == 3
    # without the checkpoint the embeddings are all zero: chance level
    zero = tmp_path / 'zero.pth'
    torch.save(dict(state_dict={'proj.weight': torch.zeros(2, 2)}), zero)
    rows = few_shot_eval_cli.run([
        cfg,
        str(zero), '--shots', '1', '--episodes', '20', '--work-dir',
        str(tmp_path / 'work0')
    ])
    assert rows[0]['accuracy'] < 50
