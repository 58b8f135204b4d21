"""``tools/test.py --tta``: the config's test-time augmentation wraps the
model the way mmdet's / mmpretrain's tools do, the wrapped model keeps its
own preprocessing, and merged predictions keep the unaugmented ground
truth."""
import os.path as osp

import pytest
import torch

from defectzoo.cli import test as test_cli
from tests.conftest import CONFIGS, write_config
from tests.helpers.defect_fixtures import make_magnetic_tile, make_neu

MT_CLS = osp.join(
    CONFIGS, 'resnet', 'mask-sup_cspnext-tiny-neu-cls_1xb32-adamw-coslr-25e_'
    'magnetic-tile-224px.py')
NEU_CLS = osp.join(CONFIGS, 'resnet',
                   'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px.py')
NEU_DET = osp.join(
    CONFIGS, 'neu_det',
    'rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-20e_neu-det-192px.py')


def _runner(tmp_path, config, root, tta, tag):
    """The Runner tools/test.py builds, with a freshly initialised model
    saved as the checkpoint, and its first test batch."""
    args = [
        config,
        str(tmp_path / 'ckpt.pth'), '--work-dir',
        str(tmp_path / tag), '--data-root', root
    ] + ['--tta'] * tta
    runner = test_cli.build_runner(test_cli.parse_args(args))
    model = runner.model.module if tta else runner.model
    if not osp.exists(tmp_path / 'ckpt.pth'):
        torch.manual_seed(0)
        torch.save({
            'state_dict': model.state_dict(),
            'meta': {}
        }, tmp_path / 'ckpt.pth')
    runner.call_hook('before_run')  # as Runner.test: hooks, then loading
    runner.load_checkpoint(str(tmp_path / 'ckpt.pth'))
    runner.model.eval()
    batch = next(iter(runner.build_dataloader(runner._test_dataloader)))
    return runner, batch


@pytest.fixture
def mt_root(tmp_path):
    return make_magnetic_tile(str(tmp_path / 'mt'))


def test_zoo_classifiers_top_level_preprocessor_is_the_models():
    from mmengine.config import Config
    for path in (MT_CLS, NEU_CLS):
        cfg = Config.fromfile(path)
        assert cfg.data_preprocessor == cfg.model.data_preprocessor, path


def test_classifier_tta_means_the_views_of_the_model_as_tested(
        tmp_path, mt_root):
    # a top-level preprocessor unlike the model's (mmpretrain's data set
    # bases have one): the Runner would hand it to the TTA wrapper
    config = write_config(
        tmp_path / 'mt.py', f"""
        _base_ = {MT_CLS!r}
        data_preprocessor = dict(
            mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
            to_rgb=True)
        """)
    plain, plain_batch = _runner(tmp_path, config, mt_root, False, 'plain')
    tta, batch = _runner(tmp_path, config, mt_root, True, 'tta')
    cfg = tta.cfg
    assert cfg.model.type == 'mmpretrain.AverageClsScoreTTA'
    # the top-level preprocessor (the Runner hands it to the outer model)
    # is the wrapped model's own: BGR mean / std, no channel swap
    assert cfg.data_preprocessor == cfg.model.module.data_preprocessor
    assert not tta.model.module.data_preprocessor.to_rgb
    views = batch['inputs']
    assert len(views) == 4  # the tile, two flips, both
    with torch.no_grad():
        merged = tta.model.test_step(batch)
        per_view = [
            tta.model.module.test_step(dict(inputs=v, data_samples=s))
            for v, s in zip(views, batch['data_samples'])
        ]
        reference = plain.model.test_step(plain_batch)
    # the unaugmented view is what the plain test predicts
    for a, b in zip(per_view[0], reference):
        torch.testing.assert_close(a.pred_score, b.pred_score)
    # the merged score is the mean of the four views' class scores
    for i, m in enumerate(merged):
        mean = sum(v[i].pred_score for v in per_view) / 4
        torch.testing.assert_close(m.pred_score, mean)
        assert m.gt_label == reference[i].gt_label
    # the views differ (the flips reached the model)
    assert not torch.equal(views[0], views[1])


def test_detector_default_flip_tta_keeps_the_unflipped_ground_truth(tmp_path):
    """A config without tta_* gets mmdet's flip TTA; the merged sample is
    the unflipped view's, so the metric compares with the real boxes."""
    root = make_neu(str(tmp_path / 'neu'), per_class=3)
    cfg = write_config(
        tmp_path / 'det.py', f"""
        _base_ = {NEU_DET!r}
        model = dict(backbone=dict(init_cfg=None))
        """)
    plain, plain_batch = _runner(tmp_path, cfg, root, False, 'plain')
    tta, batch = _runner(tmp_path, cfg, root, True, 'tta')
    assert tta.cfg.model.type == 'mmdet.DetTTAModel'
    flips = tta.cfg.tta_pipeline[-1]['transforms'][0]
    assert [f['prob'] for f in flips] == [0.0, 1.0]
    with torch.no_grad():
        merged = tta.model.test_step(batch)

    def boxes(sample):
        b = sample.gt_instances.bboxes
        return getattr(b, 'tensor', b)

    for m, s in zip(merged, plain_batch['data_samples']):
        torch.testing.assert_close(boxes(m), boxes(s))
        assert m.metainfo.get('flip') is False
    # the second view's boxes were flipped (the ground truth moves with it)
    assert not torch.equal(
        boxes(batch['data_samples'][1][0]),
        boxes(plain_batch['data_samples'][0]))
