"""One-stage detectors end to end: ONNX (decoding + NMS in the graph) vs
mmdet's predict in ONNX Runtime, INT8 with ONNX Runtime, refusals."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import InstanceData
from torchvision.ops import box_iou

from defectzoo.apis import init_model
from defectzoo.cli import export_onnx as export_onnx_cli
from defectzoo.cli import quantize as quantize_cli
from defectzoo.deploy import DeployDetector, export_onnx
from defectzoo.deploy.quantize_ort import session
from tests.conftest import CONFIGS, write_config
from tests.integration.test_tools.test_deployment import MMDET_MODELS, TINY_R18

# pytest -n: the module's trained detector is made once, on one worker
pytestmark = pytest.mark.xdist_group('deploy_detector')

RTMDET = osp.join(CONFIGS, '_base_', 'models', 'rtmdet-p2_cspnext-tiny.py')
SIZE = 64


def synthetic(seed, size=SIZE):
    """A noisy image with two bright rectangles, and their boxes."""
    g = torch.Generator().manual_seed(seed)
    img = torch.rand(3, size, size, generator=g) * 60 + 40
    boxes = []
    for _ in range(2):
        w, h = torch.randint(8, 20, (2, ), generator=g).tolist()
        x, y = torch.randint(0, size - 20, (2, ), generator=g).tolist()
        img[:, y:y + h, x:x + w] += 120
        boxes.append([x, y, x + w, y + h])
    return img.to(torch.uint8), torch.tensor(boxes, dtype=torch.float)


def sample(img, boxes=None):
    from mmdet.structures import DetDataSample
    h, w = img.shape[-2:]
    s = DetDataSample(
        metainfo=dict(
            img_shape=(h, w),
            ori_shape=(h, w),
            pad_shape=(h, w),
            scale_factor=(1., 1.)))
    if boxes is not None:
        s.gt_instances = InstanceData(
            bboxes=boxes, labels=torch.zeros(len(boxes), dtype=torch.long))
    return s


def write_coco(root, n=6):
    """``n`` synthetic images as PNG files and a one-class COCO file."""
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    images, anns = [], []
    for i in range(n):
        img, boxes = synthetic(1000 + i)
        cv2.imwrite(
            osp.join(root, 'images', f'{i}.png'),
            img.permute(1, 2, 0).numpy())
        images.append(
            dict(id=i, file_name=f'{i}.png', height=SIZE, width=SIZE))
        for x1, y1, x2, y2 in boxes.tolist():
            anns.append(
                dict(
                    id=len(anns) + 1,
                    image_id=i,
                    category_id=1,
                    bbox=[x1, y1, x2 - x1, y2 - y1],
                    area=(x2 - x1) * (y2 - y1),
                    iscrowd=0))
    with open(osp.join(root, 'ann.json'), 'w') as f:
        json.dump(
            dict(
                images=images,
                annotations=anns,
                categories=[dict(id=1, name='defect')]), f)


@pytest.fixture(scope='module')
def rtmdet(tmp_path_factory):
    """The project's RTMDet base model, trained 80 steps on synthetic
    rectangles (~12 s): config (with a COCO test set) and checkpoint."""
    root = tmp_path_factory.mktemp('rtmdet')
    write_coco(str(root))
    coco = dict(
        type='mmdet.CocoDataset',
        data_root=str(root),
        ann_file='ann.json',
        data_prefix=dict(img='images/'),
        metainfo=dict(classes=('defect', )),
        pipeline=[
            dict(type='mmdet.LoadImageFromFile'),
            dict(type='mmdet.LoadAnnotations', with_bbox=True),
            dict(type='mmdet.PackDetInputs')
        ])
    loader = dict(
        batch_size=2,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=coco)
    cfg = write_config(
        root / 'rtmdet.py', f"""
        _base_ = [{RTMDET!r}]
        default_scope = 'defectzoo'
        train_dataloader = {loader!r}
        test_dataloader = {dict(loader, dataset=dict(coco, test_mode=True))!r}
        test_evaluator = dict(type='mmdet.CocoMetric', metric='bbox',
                              ann_file={str(root / 'ann.json')!r})
        """)
    torch.manual_seed(0)
    model = init_model(cfg)
    model.init_weights()  # the head's prior-probability bias
    data = [synthetic(i) for i in range(8)]
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=0.004))
    model.train()
    for step in range(80):
        batch = data[(step * 4) % 8:(step * 4) % 8 + 4]
        model.train_step(
            dict(
                inputs=[img for img, _ in batch],
                data_samples=[sample(img, boxes) for img, boxes in batch]),
            optim)
    ckpt = str(root / 'rtmdet.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    return cfg, ckpt, model.eval()


def tiny_mmdet(path, base, **head):
    """mmdet's ``_base_/models/<base>`` with a 16-channel ResNet-18 + FPN;
    ``head``: the head's key and its overrides (16 channels)."""
    (key, cfg), = head.items()
    return write_config(
        path, f"""
        _base_ = [{osp.join(MMDET_MODELS, base)!r}]
        default_scope = 'mmdet'
        model = dict(backbone=dict({TINY_R18!r}),
                     neck=dict(in_channels=[16, 32, 64, 128], out_channels=16))
        model[{key!r}] = dict(in_channels=16, feat_channels=16, **{cfg!r})
        """)


def mmdet_predict(model, img):
    data = model.data_preprocessor(
        dict(inputs=[img], data_samples=[sample(img)]), False)
    with torch.no_grad():
        out = model.predict(data['inputs'], data['data_samples'])
    inst = out[0].pred_instances
    return inst.bboxes.numpy(), inst.scores.numpy(), inst.labels.numpy()


def test_rtmdet_onnx_matches_mmdet_predict(rtmdet, tmp_path, capsys):
    cfg, ckpt, model = rtmdet
    out = str(tmp_path / 'rtmdet.onnx')
    export_onnx_cli.main(
        [cfg, ckpt, '--out', out, '--shape',
         str(SIZE), str(SIZE)])
    assert 'max box diff' in capsys.readouterr().out
    meta = json.load(open(out + '.json'))
    assert meta['outputs'] == ['boxes', 'scores', 'labels']
    assert meta['classes'] == ['defect'] and meta['shape'] == [SIZE, SIZE]
    assert meta['input']['normalization'] == 'inside the graph'
    assert meta['input']['mean'] == [103.53, 116.28, 123.675]
    assert meta['postprocess']['iou_threshold'] == 0.6
    assert meta['max_box_diff'] < 1e-3
    sess = session(out, 1)
    found = []
    for seed in range(100, 104):  # images the model has not seen
        img, gt = synthetic(seed)
        boxes, scores, labels = sess.run(None,
                                         {'image': img[None].float().numpy()})
        ref_boxes, ref_scores, ref_labels = mmdet_predict(model, img)
        assert len(scores) == len(ref_scores)
        assert (labels == ref_labels).all()
        assert np.abs(boxes - ref_boxes).max() <= 1
        assert np.abs(scores - ref_scores).max() <= 1e-3
        assert (np.diff(scores) <= 0).all()  # highest first
        found.append(len(scores))
        top = torch.from_numpy(boxes[:5])
        assert box_iou(top, gt).max() > 0.3  # near a rectangle
    # the score threshold cut: some boxes, not max_per_img (100)
    assert 0 < min(found) and max(found) < 100


def test_no_detection_and_retinanet(tmp_path):
    """An image with no box above the threshold gives (0, 4) boxes; an
    anchor-based head (RetinaNet, 3 classes) matches mmdet too."""
    cfg = tiny_mmdet(
        tmp_path / 'retina.py',
        'retinanet_r50_fpn.py',
        bbox_head=dict(stacked_convs=1, num_classes=3))
    torch.manual_seed(0)
    model = init_model(cfg)
    img = synthetic(7, 96)[0]
    for thr in (0.05, 1.0):
        model.bbox_head.test_cfg.score_thr = thr
        wrapper = DeployDetector(model, (96, 96))
        path = export_onnx(
            wrapper,
            img[None].float(),
            str(tmp_path / 'retina.onnx'), ['boxes', 'scores', 'labels'],
            dynamic_batch=False)
        got = session(path, 1).run(None, {'image': img[None].float().numpy()})
        ref = mmdet_predict(model, img)
        assert got[0].shape == ref[0].shape == ((0, 4) if thr == 1 else
                                                (100, 4))
        assert (got[2] == ref[2]).all()
        assert len(set(ref[2].tolist())) == (0 if thr == 1 else 3)
        assert np.abs(got[0] - ref[0]).max(initial=0) <= 1e-3
        assert np.abs(got[1] - ref[1]).max(initial=0) <= 1e-5


def test_quantize_rtmdet(rtmdet, tmp_path):
    cfg, ckpt, model = rtmdet
    out = tmp_path / 'int8'
    result = quantize_cli.run([
        cfg, ckpt, '--calib', '4', '--out',
        str(out), '--shape',
        str(SIZE),
        str(SIZE)
    ])
    assert json.load(open(out / 'quantize.json'))['speedup'] > 0
    assert result['calib_images'] == 4 and result['classes'] == ['defect']
    assert result['float_layers'] == [
        f'/network/bbox_head/{n}.{i}/Conv' for n in ('rtm_cls', 'rtm_reg')
        for i in range(3)
    ]
    assert result['int8_mb'] < 0.5 * result['fp32_mb']
    agree = result['agreement_on_calibration']
    assert agree['fp32_boxes_found'] > 0.7 and agree['mean_top_iou'] > 0.5
    assert abs(agree['mean_count_int8'] / agree['mean_count_fp32'] - 1) < .3
    ap_int8 = result['metrics_int8']['coco/bbox_mAP_50']
    ap_fp32 = result['metrics_fp32']['coco/bbox_mAP_50']
    assert ap_fp32 > 0.5 and abs(ap_int8 - ap_fp32) < 0.15
    # the INT8 file alone, on a new image: the same rectangles
    img = synthetic(200)[0][None].float().numpy()
    fp32 = session(result['fp32_path'], 1).run(None, {'image': img})
    int8 = session(result['int8_path'], 1).run(None, {'image': img})
    from defectzoo.deploy.detector import compare
    c = compare(fp32, int8)
    assert c['top_iou'] > 0.5 and c['other_count'] > 0
    ops = {
        n.op_type
        for n in __import__('onnx').load(result['int8_path']).graph.node
    }
    assert 'QLinearConv' in ops and 'NonMaxSuppression' in ops


def test_two_stage_detector_is_refused(tmp_path):
    cfg = tiny_mmdet(
        tmp_path / 'frcnn.py', 'faster-rcnn_r50_fpn.py', rpn_head={})
    ckpt = str(tmp_path / 'frcnn.pth')
    torch.save(dict(state_dict=init_model(cfg).state_dict()), ckpt)
    for cli, args in ((export_onnx_cli, ['--out',
                                         str(tmp_path / 'x.onnx')]),
                      (quantize_cli, ['--out', str(tmp_path / 'q')])):
        with pytest.raises(SystemExit) as e:
            cli.main([cfg, ckpt, *args, '--shape', '64', '64'])
        msg = str(e.value)
        assert '\n' not in msg and msg.startswith(cfg)
        assert 'FasterRCNN is a two-stage detector' in msg
        assert 'supported: one-stage' in msg and 'RTMDet' in msg
