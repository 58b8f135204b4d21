"""The inferencers on each task with tiny checkpoints made here: inputs
(files, folders, arrays, 8/16-bit), verdict, boxes, masks, OOD, refusals."""
import cv2
import numpy as np
import pytest
import torch
from mmdet.apis import DetInferencer
from mmpretrain.apis import ImageClassificationInferencer
from mmseg.apis import MMSegInferencer

from defectzoo.apis import (DEFAULT_SCORE_THR, DefectAuxNetInferencer,
                            DefectClsInferencer, DefectDetInferencer,
                            DefectGalleryInferencer, DefectSegInferencer,
                            NearestNeighbourOOD, init_inferencer)
from defectzoo.cli import fit_ood as fit_ood_cli
from defectzoo.utils.checkpoint import CheckpointError
from tests.helpers.tiny_models import (CLS_CLASSES, DET_CLASSES, make_model,
                                       write_images)


def test_classifier_folder_files_arrays(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'cls')
    inf = init_inferencer(cfg, ckpt)
    assert isinstance(inf, DefectClsInferencer)
    assert isinstance(inf, ImageClassificationInferencer)
    paths = write_images(tmp_path / 'imgs', 3, bad=('broken.png', ))
    out = inf.run(str(tmp_path / 'imgs'), show_progress=False)
    assert [p['input'] for p in out['predictions']] == paths
    assert len(out['skipped']) == 1
    assert out['skipped'][0]['input'].endswith('broken.png')
    assert 'truncated' in out['skipped'][0]['error']
    for p in out['predictions']:
        assert p['pred_class'] in CLS_CLASSES
        assert sum(p['scores'].values()) == pytest.approx(1, abs=1e-3)
        # defect score = 1 - P(ok); verdict against the one threshold
        assert p['defect_score'] == pytest.approx(
            1 - p['scores']['ok'], abs=1e-3)
        assert p['verdict'] == ('defect' if p['defect_score']
                                >= DEFAULT_SCORE_THR else 'OK')
    # arrays: the same image as a file, as 8-bit BGR, grey and 16-bit grey
    img = cv2.imread(paths[0])
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    grey[0, :2] = 0, 255  # full range: min-max stretching is the identity
    arr = inf.run([img, grey, grey.astype(np.uint16) * 257],
                  show_progress=False)['predictions']
    assert [p['input']
            for p in arr] == ['array_0000', 'array_0001', 'array_0002']
    assert arr[0]['scores'] == out['predictions'][0]['scores']
    assert arr[1]['scores'] == arr[2]['scores']  # 16-bit stretched back


def test_threshold_in_one_place(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'cls')
    write_images(tmp_path / 'imgs', 2)
    all_defect = init_inferencer(
        cfg, ckpt, score_thr=0.0).run(
            str(tmp_path / 'imgs'), show_progress=False)['predictions']
    all_ok = init_inferencer(
        cfg, ckpt, score_thr=1.01).run(
            str(tmp_path / 'imgs'), show_progress=False)['predictions']
    assert {p['verdict'] for p in all_defect} == {'defect'}
    assert {p['verdict'] for p in all_ok} == {'OK'}


def test_mvgg19_in_mmpretrain_classifier(tmp_path):
    """mmpretrain's get_model builds in its own scope, where MVGG19 is
    unknown; the config's default_scope is used here."""
    cfg, ckpt = make_model(tmp_path, 'mvgg')
    write_images(tmp_path / 'imgs', 1, size=32)
    out = init_inferencer(cfg, ckpt).run(
        str(tmp_path / 'imgs'), show_progress=False)
    assert out['predictions'][0]['pred_class'] in CLS_CLASSES


def test_detector_with_load_image_checked(tmp_path):
    """mmdet's DetInferencer refuses pipelines without LoadImageFromFile;
    the subclass wraps LoadImageChecked."""
    cfg, ckpt = make_model(tmp_path, 'det')
    inf = init_inferencer(cfg, ckpt)
    assert isinstance(inf, DefectDetInferencer)
    assert isinstance(inf, DetInferencer)
    assert type(inf.pipeline.transforms[0]).__name__ == 'LoadInferenceImage'
    paths = write_images(tmp_path / 'imgs', 2)
    overlays = []
    out = inf.run(
        paths, visualize=lambda r, v: overlays.append(v), show_progress=False)
    for p in out['predictions']:
        assert p['num_boxes'] == len(p['boxes']) > 0
        assert all(b['score'] >= DEFAULT_SCORE_THR for b in p['boxes'])
        assert {b['class_name'] for b in p['boxes']} <= set(DET_CLASSES)
        assert p['defect_score'] == max(b['score'] for b in p['boxes'])
        assert p['verdict'] == 'defect'
        for b in p['boxes']:
            x1, y1, x2, y2 = b['bbox']
            assert 0 <= x1 <= x2 <= 48 and 0 <= y1 <= y2 <= 48
    assert overlays[0].shape == (48, 48, 3)


def test_xray_detector_16bit_file_and_array(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'xray_det')
    inf = init_inferencer(cfg, ckpt)
    rng = np.random.default_rng(0)
    raw = (rng.random((64, 64)) * 4000 + 30000).astype(np.uint16)
    path = str(tmp_path / 'xray16.png')
    cv2.imwrite(path, raw)
    assert cv2.imread(path, cv2.IMREAD_UNCHANGED).dtype == np.uint16
    out = inf.run([path, raw], show_progress=False)
    assert not out['skipped']
    from_file, from_array = out['predictions']
    assert from_file['boxes'] == from_array['boxes']
    # an 8-bit colour image is refused by LoadXRayImage (named), not fed on
    colour = write_images(tmp_path / 'colour', 1)
    bad = inf.run(colour, show_progress=False)
    assert bad['skipped'][0]['input'] == colour[0]
    assert 'true-colour' in bad['skipped'][0]['error']


def test_segmentor_masks(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'seg')
    inf = init_inferencer(cfg, ckpt)
    assert isinstance(inf, DefectSegInferencer)
    assert isinstance(inf, MMSegInferencer)
    write_images(tmp_path / 'imgs', 2, size=40)
    out = inf.run(str(tmp_path / 'imgs'), show_progress=False)
    for p in out['predictions']:
        assert p['mask'].shape == (40, 40)
        frac = float((p['mask'] != 0).mean())
        assert p['defect_fraction'] == pytest.approx(frac, abs=1e-4)
        assert 0 <= p['defect_score'] <= 1
        assert p['verdict'] == ('defect' if p['defect_score'] >= 0.5 else 'OK')


def test_defect_aux_net_class_mask_and_boxes(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'aux')
    inf = init_inferencer(cfg, ckpt, score_thr=0.3)
    assert isinstance(inf, DefectAuxNetInferencer)
    assert isinstance(inf, DetInferencer)
    write_images(tmp_path / 'imgs', 2, size=40)
    out = inf.run(str(tmp_path / 'imgs'), show_progress=False)
    assert not out['skipped'] and len(out['predictions']) == 2
    for p in out['predictions']:
        assert p['tasks'] == ['cls', 'seg', 'det']
        # whether: the classification head gives the verdict
        assert p['pred_class'] in ('defect_free', 'defective')
        assert p['defect_score'] == pytest.approx(p['scores']['defective'])
        assert set(p['task_scores']) == {'cls', 'seg', 'det'}
        assert p['verdict'] == ('defect' if p['defect_score'] >= 0.3 else 'OK')
        # where: a mask at the image size; which: boxes above the threshold
        assert p['mask'].shape == (40, 40)
        assert p['num_boxes'] == len(p['boxes']) > 0
        assert all(b['score'] >= 0.3 and b['class_name'] == 'defect'
                   for b in p['boxes'])
    # one overlay with mask, boxes and the class text; the report
    res = inf.inspect(str(tmp_path / 'imgs'), str(tmp_path / 'out'))
    assert len(res['predictions']) == 2
    overlay = cv2.imread(
        str(tmp_path / 'out' / res['predictions'][0]['overlay']))
    assert overlay.shape == (40, 40, 3)
    assert (tmp_path / 'out' / 'report.html').is_file()


def test_gallery_classifier(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'gallery')
    inf = init_inferencer(cfg, ckpt)
    assert isinstance(inf, DefectGalleryInferencer)
    write_images(tmp_path / 'imgs', 2)
    preds = inf.run(str(tmp_path / 'imgs'), show_progress=False)['predictions']
    assert all(p['pred_class'] in CLS_CLASSES for p in preds)
    # a checkpoint without a gallery cannot classify
    ck = torch.load(ckpt, weights_only=True)
    ck['state_dict']['gallery_embeddings'] = torch.zeros(0)
    ck['state_dict']['gallery_labels'] = torch.zeros(0, dtype=torch.long)
    torch.save(ck, tmp_path / 'no_gallery.pth')
    with pytest.raises(ValueError, match='no reference gallery'):
        init_inferencer(cfg, str(tmp_path / 'no_gallery.pth'))


def test_checkpoint_of_another_config_refused(tmp_path):
    cfg, _ = make_model(tmp_path, 'cls')
    _, det_ckpt = make_model(tmp_path, 'det')
    with pytest.raises(CheckpointError) as err:
        init_inferencer(cfg, det_ckpt)
    msg = str(err.value)
    assert det_ckpt in msg and 'missing from the checkpoint' in msg
    assert 'in the checkpoint but not in the model' in msg
    assert 'head.' in msg and 'neck.' in msg  # keys of both models named


def test_ood_distance_and_flag(tmp_path):
    cfg, ckpt = make_model(tmp_path, 'cls')
    inf = init_inferencer(cfg, ckpt)
    train = write_images(tmp_path / 'train', 48, seed=1)
    feats = inf.features(train, batch_size=16)
    assert feats.shape == (48, 64)
    ood = NearestNeighbourOOD.fit(feats[:32], feats[32:], quantile=0.9)
    # statistics saved with the model, read back by the inferencer
    ck = torch.load(ckpt, weights_only=True)
    ck['meta']['ood'] = ood.to_meta()
    torch.save(ck, tmp_path / 'with_ood.pth')
    inf = init_inferencer(cfg, str(tmp_path / 'with_ood.pth'))
    stripes = np.zeros((48, 48, 3), np.uint8)  # unlike the noise images
    stripes[:, np.arange(48) % 8 < 4] = 255
    preds = inf.run([train[0], stripes], show_progress=False)['predictions']
    assert preds[0]['ood']['threshold'] == pytest.approx(
        ood.threshold, abs=1e-3)
    assert preds[0]['ood']['score'] == pytest.approx(
        float(ood.score(torch.from_numpy(feats[:1]))[0]), abs=1e-3)
    in_bank = float((-ood.offsets / ood.scales).max())  # distances 0
    assert preds[0]['ood']['score'] == pytest.approx(in_bank, abs=1e-3)
    assert preds[1]['ood']['flag'] and not preds[0]['ood']['flag']


def test_nearest_neighbour_ood_by_hand():
    """Both views, their calibration scaling and the threshold, computed
    by hand with numpy on a known set."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)) * [1.0, 2.0, 0.5] + 5
    fit, calib = x[:150], x[150:]
    ood = NearestNeighbourOOD.fit(fit, calib, quantile=0.95, k=2)
    std = fit.std(0, ddof=1)
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)  # noqa

    def kth(q, b):
        d = np.linalg.norm(q[:, None] - b[None], axis=2)
        return np.sort(d, axis=1)[:, 1]  # k = 2

    d = np.stack([kth(unit(calib), unit(fit)), kth(calib / std, fit / std)], 1)
    med, q95 = np.median(d, 0), np.quantile(d, 0.95, axis=0)
    np.testing.assert_allclose(ood.offsets, med, rtol=1e-4)
    np.testing.assert_allclose(ood.scales, q95 - med, rtol=1e-4)
    want = ((d - med) / (q95 - med)).max(1)
    got = ood.score(torch.from_numpy(calib)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    assert ood.threshold == pytest.approx(np.quantile(want, 0.95), rel=1e-4)
    assert (got > ood.threshold).mean() == pytest.approx(0.04, abs=0.021)
    # each view catches its own kind of shift
    direction = ood.view_distances(torch.tensor([[5.0, -5.0, 5.0]]))
    assert direction[0, 0] > ood.offsets[0] + 3 * ood.scales[0]
    brighter = torch.from_numpy(fit[:5] * 3)  # same directions, 3x larger
    assert torch.allclose(  # the cosine view does not see it ...
        ood.view_distances(brighter)[:, 0],
        ood.view_distances(torch.from_numpy(fit[:5]))[:, 0],
        atol=1e-4)
    assert (ood.score(brighter) > ood.threshold).all()  # ... the other does


def test_ood_statistics_round_trip_and_old_kind(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 4))
    ood = NearestNeighbourOOD.fit(x[:30], x[30:])
    path = tmp_path / 'meta.pth'
    torch.save(dict(ood=ood.to_meta()), path)
    back = NearestNeighbourOOD.from_meta(torch.load(path, weights_only=True))
    q = torch.from_numpy(rng.normal(size=(5, 4)))
    assert torch.allclose(back.score(q), ood.score(q))
    assert (back.k, back.num_fit, back.num_calib) == (1, 30, 10)
    assert NearestNeighbourOOD.from_meta({}) is None
    old = dict(
        ood=dict(mean=torch.zeros(4), precision=torch.eye(4), threshold=3.0))
    with pytest.warns(UserWarning, match='older kind.*fit_ood.py'):
        assert NearestNeighbourOOD.from_meta(old, 'a.pth') is None
    with pytest.raises(ValueError, match='k=40'):
        NearestNeighbourOOD.fit(x[:30], x[30:], k=40)


def test_fit_ood_tool_stores_statistics(tmp_path):
    """tools/misc/fit_ood.py on a folder-per-class training set: statistics
    in the checkpoint, calibrated on held-out training images."""
    cfg, ckpt = make_model(tmp_path, 'cls')
    for i, cls in enumerate(CLS_CLASSES):
        write_images(tmp_path / 'train' / cls, 5, seed=i)
    out = str(tmp_path / 'ood.pth')
    ood = fit_ood_cli.run([
        cfg, ckpt, '--out', out, '--calib-fraction', '0.2', '--quantile',
        '0.9', '--cfg-options',
        'train_dataloader.dataset.type=ImageFolderClsDataset',
        f'train_dataloader.dataset.data_root={tmp_path / "train"}'
    ])
    assert (ood.num_fit, ood.num_calib) == (12, 3)
    saved = torch.load(out, weights_only=True)
    assert saved['meta']['ood']['threshold'] == pytest.approx(ood.threshold)
    assert saved['meta']['ood']['bank'].shape == (12, 64)
    assert init_inferencer(cfg,
                           out).ood.threshold == pytest.approx(ood.threshold)
    # a wrapped training set (KPerClassSubset): the same images, k per class
    ood = fit_ood_cli.run([
        cfg, ckpt, '--out', out, '--calib-fraction', '0.2', '--cfg-options',
        'train_dataloader.dataset.type=KPerClassSubset',
        'train_dataloader.dataset.k=4',
        'train_dataloader.dataset.dataset.type=ImageFolderClsDataset',
        f'train_dataloader.dataset.dataset.data_root={tmp_path / "train"}'
    ])
    assert ood.num_fit + ood.num_calib == 12
