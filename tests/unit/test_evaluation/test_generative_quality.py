"""FID / KID / IS through torchmetrics on a configurable feature network."""
import pytest
import torch
from mmengine.registry import init_default_scope

from defectzoo.evaluation.metrics import GenerativeQualityMetric

NET = dict(
    type='mmpretrain.ResNet',
    depth=18,
    stem_channels=4,
    base_channels=4,
    out_indices=(3, ))


def samples(fake, real, t=0.01):
    return [dict(fake=f, real=r, gen_time=t) for f, r in zip(fake, real)]


def metric(**kwargs):
    init_default_scope('defectzoo')
    return GenerativeQualityMetric(
        feature_net=NET, kid_subset_size=8, **kwargs)


def test_identical_sets_score_zero_and_shifted_sets_do_not():
    g = torch.Generator().manual_seed(0)
    real = torch.randint(
        0, 256, (12, 1, 32, 32), generator=g, dtype=torch.uint8)
    m = metric()
    m.process(None, samples(real, real))
    same = m.compute_metrics(m.results)
    assert same['FID'] == pytest.approx(0, abs=1e-3)
    assert same['ms_per_image'] == pytest.approx(10)
    assert same['num_images'] == 12 and 'IS' not in same
    m = metric()
    m.process(None, samples((real // 4 + 190).to(torch.uint8), real))
    shifted = m.compute_metrics(m.results)
    assert shifted['FID'] > same['FID'] + 1e-3
    # KID is an unbiased estimate (negative values happen for equal sets)
    assert shifted['KID'] > 0 and shifted['KID'] > same['KID']


def test_fid_matches_the_closed_form_on_the_features():
    # FID = |mu_r - mu_f|^2 + Tr(S_r + S_f - 2 (S_r S_f)^1/2) on features
    g = torch.Generator().manual_seed(1)
    real = torch.randint(
        0, 256, (16, 1, 16, 16), generator=g, dtype=torch.uint8)
    fake = torch.randint(
        0, 128, (16, 1, 16, 16), generator=g, dtype=torch.uint8)
    m = metric()
    fr, ff = m.features(real).double(), m.features(fake).double()
    m.process(None, samples(fake, real))
    fid = m.compute_metrics(m.results)['FID']
    import scipy.linalg
    sr, sf = torch.cov(fr.T).numpy(), torch.cov(ff.T).numpy()
    covmean = scipy.linalg.sqrtm(sr @ sf).real
    expected = (((fr.mean(0) - ff.mean(0))**2).sum().item() +
                (sr + sf - 2 * covmean).trace())
    assert fid == pytest.approx(expected, rel=1e-3, abs=1e-4)


def test_inception_score_with_a_classifier():
    classifier = dict(
        type='mmpretrain.ImageClassifier',
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'),
        backbone=NET,
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(
            type='mmpretrain.LinearClsHead',
            num_classes=3,
            in_channels=32,
            loss=dict(type='mmpretrain.CrossEntropyLoss')))
    torch.manual_seed(0)
    m = metric(classifier=classifier)
    imgs = torch.randint(0, 256, (6, 1, 16, 16), dtype=torch.uint8)
    m.process(None, samples(imgs, imgs))
    out = m.compute_metrics(m.results)
    # exp(mean KL) lies in [1, number of classes] (up to float rounding)
    assert 1.0 - 1e-5 <= out['IS'] <= 3.0


def test_needs_a_feature_network():
    with pytest.raises(ValueError, match='feature_net or inception_ckpt'):
        GenerativeQualityMetric()


def test_inception_checkpoint_needs_torch_fidelity():
    pytest.importorskip('torchmetrics')
    try:
        import torch_fidelity  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(ModuleNotFoundError, match='torch-fidelity'):
            GenerativeQualityMetric(inception_ckpt='/no/such/inception.pth')
    else:
        pytest.skip('torch-fidelity installed: would load the checkpoint')
