"""SimMIM / SimSiam with held-out pretext-loss evaluation."""
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from defectzoo.evaluation import PretextLossMetric
from defectzoo.registry import MODELS
from tests.conftest import tiny_simmim_config, tiny_simsiam_config


def _model(cfg_path):
    cfg = Config.fromfile(cfg_path)
    init_default_scope('defectzoo')
    model_cfg = cfg.model.copy()
    model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg)


def _simmim_batch(n=2, size=64):
    torch.manual_seed(0)
    # smooth images (reconstructable) with a fixed 60 % patch mask
    base = torch.nn.functional.interpolate(
        torch.rand(n, 1, 8, 8), size=(size, size), mode='bilinear')
    inputs = base.repeat(1, 3, 1, 1) * 255
    mask = torch.zeros(size // 4, size // 4, dtype=torch.long)
    mask[:size // 8, :] = 1
    mask[size // 8:, :size // 8] = 1
    samples = [DataSample().set_mask(mask.clone()) for _ in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def test_simmim_predict_returns_the_batch_loss(tmp_path):
    model = _model(tiny_simmim_config(tmp_path, tmp_path))
    model.eval()
    data = model.data_preprocessor(_simmim_batch(), training=False)
    with torch.no_grad():
        loss = model(**data, mode='loss')['loss']
    preds = model(**data, mode='predict')
    assert len(preds) == 2
    assert all(abs(p.pretext_loss - loss.item()) < 1e-6 for p in preds)
    feats = model(data['inputs'], mode='tensor')
    assert feats[-1].shape == (2, 32 * 8, 2, 2)


def test_simmim_training_lowers_the_loss_and_gradients_flow(tmp_path):
    model = _model(tiny_simmim_config(tmp_path, tmp_path))
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = model.data_preprocessor(_simmim_batch(), training=True)
    losses = []
    for _ in range(15):
        loss = model(**data, mode='loss')['loss']
        optim.zero_grad()
        loss.backward()
        if not losses:
            assert model.backbone.mask_token.grad.abs().sum() > 0
            assert model.neck.decoder[0].weight.grad.abs().sum() > 0
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0], losses


def test_simsiam_predict_and_training(tmp_path):
    model = _model(tiny_simsiam_config(tmp_path, tmp_path))
    torch.manual_seed(0)
    views = [torch.rand(4, 3, 48, 48) * 255 for _ in range(2)]
    data = model.data_preprocessor(
        dict(inputs=views, data_samples=[DataSample() for _ in range(4)]),
        training=True)
    optim = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(10):
        loss = model(**data, mode='loss')['loss']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    # negative cosine similarity lies in [-1, 1] and decreases
    assert -1 <= losses[-1] < losses[0] <= 1, losses
    model.eval()
    preds = model(**data, mode='predict')
    assert -1 <= preds[0].pretext_loss <= 1


def test_pretext_loss_metric_weights_by_samples():
    metric = PretextLossMetric()
    metric.process(None, [dict(pretext_loss=1.0)] * 3)
    metric.process(None, [dict(pretext_loss=3.0)])
    assert metric.compute_metrics(metric.results) == dict(pretext_loss=1.5)
