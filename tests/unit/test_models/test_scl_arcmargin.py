"""SCLArcMarginClassifier: tensor / loss / predict modes, the 0.75 / 0.25
loss weights against the losses computed by hand from the same z, the
mean-similarity gallery classifier on hand-made embeddings, the ArcFace
classifier, checkpoint round trips of the gallery and a short training."""
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint
from mmpretrain.structures import DataSample

from defectzoo.models import SCLArcMarginClassifier
from defectzoo.models.scl_arcmargin import nt_xent
from defectzoo.registry import MODELS
from tests.conftest import CONFIGS

NUM_CLASSES = 3
DIM = 16
SIZE = 32


def build_model(seed=0, **changes):
    """The base config's model (ResNet-18, a small projector, d=16, 3
    classes) with the paper's loss weights, built as the Runner does."""
    cfg = Config.fromfile(
        osp.join(CONFIGS, '_base_', 'models', 'scl-arcmargin_resnet50.py'))
    model_cfg = cfg.model
    model_cfg.backbone.depth = 18
    model_cfg.neck.update(in_channels=512, hid_channels=32, out_channels=DIM)
    model_cfg.head.update(num_classes=NUM_CLASSES, in_channels=DIM)
    model_cfg.update(changes)
    init_default_scope('defectzoo')
    torch.manual_seed(seed)
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model


def batch(n=6, num_views=3, seed=0):
    """``num_views`` uint8 image batches as a MultiView pipeline packs
    them, labels 0, 1, 2, 0, 1, 2 ..."""
    g = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randint(
            0, 256, (n, 3, SIZE, SIZE), generator=g, dtype=torch.uint8)
        for _ in range(num_views)
    ]
    samples = [DataSample().set_gt_label(i % NUM_CLASSES) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def arcface_loss_by_hand(z, labels, weight, s=30.0, m=0.5):
    """``-log(e^{s cos(theta_y + m)} / (e^{s cos(theta_y + m)} +
    sum_{j != y} e^{s cos theta_j}))`` averaged, with the usual fallback
    ``cos - m sin m`` where ``theta_y + m > pi``."""
    cos = F.normalize(z, dim=1) @ F.normalize(weight, dim=1).t()
    losses = []
    for c, y in zip(cos, labels.tolist()):
        cy = float(c[y])
        if cy > -math.cos(m):
            target = math.cos(math.acos(cy) + m)
        else:
            target = cy - m * math.sin(m)
        others = [math.exp(s * float(c[j])) for j in range(len(c)) if j != y]
        num = math.exp(s * target)
        losses.append(-math.log(num / (num + sum(others))))
    return sum(losses) / len(losses)


@pytest.fixture(scope='module')
def model():
    return build_model()


# ----------------------------------------------------------- tensor mode --
def test_tensor_mode_gives_unit_embeddings(model):
    model.eval()
    data = model.data_preprocessor(batch(n=4), False)
    with torch.no_grad():
        z = model(data['inputs'], mode='tensor')
        first = model(data['inputs'][0], mode='tensor')
    # a list of views: the embedding of the first one
    assert z.shape == (4, DIM)
    torch.testing.assert_close(z, first)
    torch.testing.assert_close(z.norm(dim=1), torch.ones(4))
    with torch.no_grad():
        raw = model.extract_feat(data['inputs'][0])
    torch.testing.assert_close(z, F.normalize(raw, dim=1))
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(data['inputs'], mode='nonsense')


def test_paper_embedding_size_with_resnet50_defaults():
    cfg = Config.fromfile(
        osp.join(CONFIGS, '_base_', 'models', 'scl-arcmargin_resnet50.py'))
    assert cfg.model.neck.out_channels == 128
    assert cfg.model.head.in_channels == 128
    assert cfg.model.head.margins == 0.5
    assert cfg.model.con_loss.temperature == 0.5


# ------------------------------------------------------------- loss mode --
def test_loss_mode_weights_and_values(model):
    model.eval()  # BN on running stats: z is the same in both passes
    data = model.data_preprocessor(batch(), True)
    with torch.no_grad():
        losses = model(**data, mode='loss')
        assert set(losses) == {'loss_con', 'loss_arc'}
        views = data['inputs']
        z = model.extract_feat(torch.cat(views))
    x, xi, xj = z.chunk(3)
    con = sum(
        nt_xent(p, q, 0.5).item() for p, q in ((x, xi), (x, xj), (xi, xj))) / 3
    assert losses['loss_con'].item() == pytest.approx(0.75 * con, rel=1e-5)
    labels = torch.tensor([s.gt_label.item() for s in data['data_samples']])
    weight = model.head.norm_product.weight.detach()
    arc = arcface_loss_by_hand(z, labels.repeat(3), weight, s=30.0)
    assert losses['loss_arc'].item() == pytest.approx(0.25 * arc, rel=1e-4)


def test_views_of_different_sizes_are_embedded_one_size_at_a_time(model):
    """The whole image at native size plus smaller crops: each view is
    embedded on its own and the losses are those of those embeddings."""
    model.eval()
    data = model.data_preprocessor(batch(), True)
    whole, crop_i, crop_j = data['inputs']
    whole = F.interpolate(whole, scale_factor=2)  # 64 px vs 32 px crops
    with torch.no_grad():
        losses = model([whole, crop_i, crop_j],
                       data['data_samples'],
                       mode='loss')
        x, xi, xj = (model.extract_feat(v) for v in (whole, crop_i, crop_j))
    con = sum(
        nt_xent(p, q, 0.5).item() for p, q in ((x, xi), (x, xj), (xi, xj))) / 3
    assert losses['loss_con'].item() == pytest.approx(0.75 * con, rel=1e-5)
    labels = torch.tensor([s.gt_label.item() for s in data['data_samples']])
    weight = model.head.norm_product.weight.detach()
    arc = arcface_loss_by_hand(
        torch.cat([x, xi, xj]), labels.repeat(3), weight, s=30.0)
    assert losses['loss_arc'].item() == pytest.approx(0.25 * arc, rel=1e-4)


def test_loss_weights_come_from_the_loss_configs():
    model = build_model(
        con_loss=dict(type='SelfContrastiveLoss', loss_weight=1.0),
        head=dict(
            type='mmpretrain.ArcFaceClsHead',
            num_classes=NUM_CLASSES,
            in_channels=DIM,
            margins=0.5,
            scale=30.0,
            loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=1.0)))
    paper = build_model()
    paper.load_state_dict(model.state_dict())
    model.eval()
    paper.eval()
    data = model.data_preprocessor(batch(), True)
    with torch.no_grad():
        ones = model(**data, mode='loss')
        weighted = paper(**data, mode='loss')
    assert weighted['loss_con'].item() == pytest.approx(
        0.75 * ones['loss_con'].item(), rel=1e-5)
    assert weighted['loss_arc'].item() == pytest.approx(
        0.25 * ones['loss_arc'].item(), rel=1e-5)


def test_one_view_is_refused_with_a_clear_error(model):
    data = model.data_preprocessor(batch(num_views=1), True)
    with pytest.raises(ValueError, match='MultiView'):
        model(**data, mode='loss')
    with pytest.raises(ValueError, match='num_views'):
        model(data['inputs'][0], data['data_samples'], mode='loss')


# --------------------------------------------------------------- gallery --
def fixed_embedding(model, monkeypatch, emb):
    """Make ``model.embed`` return ``emb`` (unit rows) for any input."""
    emb = F.normalize(torch.as_tensor(emb, dtype=torch.float), dim=1)
    monkeypatch.setattr(model, 'embed', lambda inputs: emb)
    return emb


def test_predict_without_gallery_names_the_hook():
    model = build_model()
    model.eval()
    assert not model.has_gallery
    data = model.data_preprocessor(batch(n=2, num_views=1), False)
    with pytest.raises(RuntimeError, match='ReferenceGalleryHook'):
        model(**data, mode='predict')


def test_gallery_mean_similarity_rule(monkeypatch):
    model = build_model()
    model.eval()
    r3 = math.sqrt(3) / 2
    # class 0: the query's own direction and its opposite (nearest
    # neighbour 1.0, mean 0.0); class 1: two references at 60 degrees
    # (mean 0.5); class 2: none
    refs = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.5, r3], [0.5, -r3]])
    labels = torch.tensor([0, 0, 1, 1])
    # the model's d is 16: pad the 2-d toy problem with zeros
    pad = lambda t: F.pad(t, (0, DIM - 2))  # noqa: E731
    model.set_gallery(pad(refs) * 5.0, labels)  # normalised by set_gallery
    torch.testing.assert_close(
        model.gallery_embeddings.norm(dim=1), torch.ones(4))
    query = pad(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    fixed_embedding(model, monkeypatch, query)
    sims = model.gallery_similarity(query)
    torch.testing.assert_close(
        sims[:, :2], torch.tensor([[0.0, 0.5], [0.0, 0.0]]), atol=1e-6, rtol=0)
    # a class without references can never win
    assert torch.isinf(sims[:, 2]).all() and (sims[:, 2] < 0).all()
    # nearest neighbour would say class 0 for the first query; the mean
    # similarity (the paper's rule) says class 1
    nearest = labels[(query @ F.normalize(pad(refs), dim=1).t()).argmax(1)]
    assert nearest[0].item() == 0
    preds = model(torch.zeros(2, 3, SIZE, SIZE), mode='predict')
    assert preds[0].pred_label.item() == 1
    # pred_score: softmax(mean similarity / 0.1), 0 for the empty class
    expected = F.softmax(torch.tensor([0.0, 0.5, -math.inf]) / 0.1, dim=0)
    torch.testing.assert_close(preds[0].pred_score, expected)
    assert preds[1].pred_score[2].item() == 0.0
    torch.testing.assert_close(preds[1].pred_score[:2],
                               torch.tensor([0.5, 0.5]))
    # every sample carries its unit embedding
    for p, q in zip(preds, query):
        torch.testing.assert_close(p.embedding, q)


def test_gallery_max_rule_is_the_nearest_reference(monkeypatch):
    """The toy problem above with ``gallery_reduce='max'``: class 0 has the
    query's own direction, so it wins; a class without references never."""
    model = build_model(gallery_reduce='max')
    model.eval()
    r3 = math.sqrt(3) / 2
    refs = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.5, r3], [0.5, -r3]])
    pad = lambda t: F.pad(t, (0, DIM - 2))  # noqa: E731
    model.set_gallery(pad(refs), torch.tensor([0, 0, 1, 1]))
    query = pad(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    fixed_embedding(model, monkeypatch, query)
    sims = model.gallery_similarity(query)
    torch.testing.assert_close(
        sims[:, :2], torch.tensor([[1.0, 0.5], [0.0, r3]]), atol=1e-6, rtol=0)
    assert torch.isinf(sims[:, 2]).all() and (sims[:, 2] < 0).all()
    preds = model(torch.zeros(2, 3, SIZE, SIZE), mode='predict')
    assert [p.pred_label.item() for p in preds] == [0, 1]
    with pytest.raises(ValueError, match='gallery_reduce'):
        build_model(gallery_reduce='median')


def test_predict_fills_given_samples_and_sets_embeddings():
    model = build_model()
    model.eval()
    g = torch.Generator().manual_seed(3)
    model.set_gallery(
        torch.randn(6, DIM, generator=g), torch.tensor([0, 0, 1, 1, 2, 2]))
    data = model.data_preprocessor(batch(n=3, num_views=1), False)
    samples = data['data_samples']
    preds = model(**data, mode='predict')
    assert preds is samples
    with torch.no_grad():
        emb = model(data['inputs'], mode='tensor')
    for p, e in zip(preds, emb):
        assert 'gt_label' in p and 'pred_label' in p
        torch.testing.assert_close(p.embedding, e)
        assert p.embedding.shape == (DIM, )
        assert p.pred_score.shape == (NUM_CLASSES, )
        assert p.pred_score.sum().item() == pytest.approx(1.0, abs=1e-5)
    expected = model.gallery_similarity(emb).argmax(1)
    assert [p.pred_label.item() for p in preds] == expected.tolist()


def test_set_gallery_checks():
    model = build_model()
    with pytest.raises(ValueError, match='labels'):
        model.set_gallery(torch.randn(3, DIM), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match=r'\[0, 3\)'):
        model.set_gallery(torch.randn(2, DIM), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match=r'\[0, 3\)'):
        model.set_gallery(torch.randn(2, DIM), torch.tensor([-1, 0]))
    model.set_gallery(torch.randn(2, DIM), [1, 2])  # a list is fine
    assert model.gallery_labels.dtype == torch.long
    assert model.gallery_labels.tolist() == [1, 2]


def test_arcface_classifier(monkeypatch):
    model = build_model(classifier='arcface')
    model.eval()
    # no gallery needed; the class whose ArcFace weight is closest wins
    with torch.no_grad():
        model.head.norm_product.weight.copy_(torch.eye(NUM_CLASSES, DIM))
    query = torch.zeros(3, DIM)
    query[0, 2] = query[1, 0] = query[2, 1] = 1.0
    query[:, 5] = 0.3
    fixed_embedding(model, monkeypatch, query)
    preds = model(torch.zeros(3, 3, SIZE, SIZE), mode='predict')
    assert [p.pred_label.item() for p in preds] == [2, 0, 1]
    emb = F.normalize(query, dim=1)
    cos = emb[:, :NUM_CLASSES]
    for p, c in zip(preds, cos):
        torch.testing.assert_close(p.pred_score, F.softmax(30.0 * c, dim=0))
    with pytest.raises(ValueError, match='classifier must be one of'):
        build_model(classifier='knn')


# ------------------------------------------------------------ checkpoint --
def test_state_dict_round_trip_with_gallery(tmp_path):
    trained = build_model(seed=0)
    trained.eval()
    g = torch.Generator().manual_seed(4)
    m = 7
    trained.set_gallery(
        torch.randn(m, DIM, generator=g), torch.tensor([0, 1, 2, 0, 1, 2, 2]))
    state = trained.state_dict()
    assert state['gallery_embeddings'].shape == (m, DIM)
    assert state['gallery_labels'].tolist() == [0, 1, 2, 0, 1, 2, 2]
    data = trained.data_preprocessor(batch(n=4, num_views=1, seed=5), False)
    expected = trained(data['inputs'], mode='predict')

    fresh = build_model(seed=1)  # other weights, an empty gallery
    fresh.eval()
    assert not fresh.has_gallery
    fresh.load_state_dict(state)  # strict
    torch.testing.assert_close(fresh.gallery_embeddings,
                               trained.gallery_embeddings)
    assert torch.equal(fresh.gallery_labels, trained.gallery_labels)
    got = fresh(data['inputs'], mode='predict')
    for a, b in zip(got, expected):
        assert torch.equal(a.pred_label, b.pred_label)
        torch.testing.assert_close(a.pred_score, b.pred_score)
        torch.testing.assert_close(a.embedding, b.embedding)

    # through a checkpoint file and mmengine's loader, as tools/test.py does
    path = str(tmp_path / 'ckpt.pth')
    torch.save(dict(state_dict=state, meta=dict()), path)
    other = build_model(seed=2)
    other.eval()
    load_checkpoint(other, path, map_location='cpu', strict=True)
    assert other.gallery_embeddings.shape == (m, DIM)
    got = other(data['inputs'], mode='predict')
    assert [p.pred_label.item()
            for p in got] == [p.pred_label.item() for p in expected]

    # a smaller (here empty) gallery shrinks the buffers back
    other.load_state_dict(build_model(seed=3).state_dict())
    assert not other.has_gallery
    assert other.gallery_embeddings.numel() == 0


def test_module_is_registered():
    assert MODELS.get('SCLArcMarginClassifier') is SCLArcMarginClassifier


# -------------------------------------------------------------- training --
def test_a_few_adam_steps_lower_the_total_loss():
    model = build_model(seed=0)
    model.train()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = model.data_preprocessor(batch(n=6, seed=7), True)
    totals = []
    for step in range(15):
        losses = model(**data, mode='loss')
        total = losses['loss_con'] + losses['loss_arc']
        optim.zero_grad()
        total.backward()
        if step == 0:
            # both losses reach the backbone, the projector and the head
            assert model.backbone.conv1.weight.grad.abs().sum() > 0
            assert model.head.norm_product.weight.grad.abs().sum() > 0
            assert all(torch.isfinite(v) for v in losses.values())
        optim.step()
        totals.append(total.item())
    assert totals[-1] < 0.7 * totals[0], totals
