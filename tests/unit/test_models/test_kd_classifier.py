"""Knowledge distillation: the KD loss, the frozen-teacher classifier."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from defectzoo.models import DistillKLDivLoss, KDImageClassifier
from defectzoo.registry import MODELS

PREPROCESSOR = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=3,
    mean=[0., 0., 0.],
    std=[1., 1., 1.])


def tiny_classifier(num_classes=3, width=8):
    return dict(
        type='mmpretrain.ImageClassifier',
        data_preprocessor=dict(PREPROCESSOR, num_classes=num_classes),
        backbone=dict(
            type='mmpretrain.ResNet',
            depth=18,
            base_channels=width,
            out_indices=(3, )),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(
            type='mmpretrain.LinearClsHead',
            num_classes=num_classes,
            in_channels=width * 8,
            loss=dict(type='mmpretrain.CrossEntropyLoss')))


def save_teacher(tmp_path, name, num_classes=3, classes=None):
    torch.manual_seed(len(name))
    with DefaultScope.overwrite_default_scope('defectzoo'):
        model = MODELS.build(tiny_classifier(num_classes))
    path = str(tmp_path / f'{name}.pth')
    meta = dict(dataset_meta=dict(classes=classes)) if classes else {}
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return dict(model=tiny_classifier(num_classes), checkpoint=path), model


def build_kd(teachers, **kwargs):
    cfg = dict(
        tiny_classifier(),
        type='KDImageClassifier',
        teachers=teachers,
        **kwargs)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        return MODELS.build(cfg)


def samples(labels):
    return [DataSample().set_gt_label(int(y)) for y in labels]


def test_kd_loss_hand_computed():
    # T = 2, z_s = (2, 0): P_s = (e, 1) / (e + 1); P_t = (1/2, 1/2).
    # KL(P_t || P_s) = 1/2 log(P_t/P_s,0) + 1/2 log(P_t/P_s,1)
    #                = log((1 + e) / 2) - 1/2;   times T^2 = 4.
    loss = DistillKLDivLoss(temperature=2.0)
    value = loss(torch.tensor([[2.0, 0.0]]), torch.tensor([[0.5, 0.5]]))
    expected = 4 * (math.log((1 + math.e) / 2) - 0.5)
    assert value.item() == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(0.48045, abs=1e-5)
    # The paper's literal order KL(P_s || P_t) = sum P_s log(2 P_s).
    ps = [math.e / (1 + math.e), 1 / (1 + math.e)]
    literal = 4 * sum(p * math.log(2 * p) for p in ps)
    reverse = DistillKLDivLoss(temperature=2.0, reverse=True)
    assert reverse(torch.tensor([[2.0, 0.0]]),
                   torch.tensor([[0.5, 0.5]])).item() == pytest.approx(
                       literal, abs=1e-6)
    # Zero when the student matches the teacher.
    z = torch.randn(4, 5)
    assert loss(z, F.softmax(z / 2, dim=1)).item() == pytest.approx(
        0, abs=1e-6)
    with pytest.raises(ValueError, match='temperature'):
        DistillKLDivLoss(temperature=0)


def test_teachers_frozen_and_ensemble_mean(tmp_path):
    spec_a, model_a = save_teacher(tmp_path, 'a')
    spec_b, model_b = save_teacher(tmp_path, 'bb')
    kd = build_kd([spec_a, spec_b],
                  alpha=0.5,
                  distill_loss=dict(type='DistillKLDivLoss', temperature=3.0))
    kd.init_weights()  # must not touch the teachers
    kd.train()
    assert all(not t.training for t in kd.teachers)
    assert kd.backbone.training
    x = torch.randn(4, 3, 32, 32)
    for teacher, ref in zip(kd.teachers, (model_a, model_b)):
        ref.eval()
        torch.testing.assert_close(
            teacher(x, mode='tensor'), ref(x, mode='tensor'))
    expected = (F.softmax(model_a(x, mode='tensor') / 3, 1) +
                F.softmax(model_b(x, mode='tensor') / 3, 1)) / 2
    torch.testing.assert_close(kd.teacher_probs(x), expected)

    losses = kd(x, samples([0, 1, 2, 0]), mode='loss')
    assert set(losses) >= {'loss_ce', 'loss_kd'}
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert all(p.grad is None for p in kd.teachers.parameters())
    assert all(not p.requires_grad for p in kd.teachers.parameters())
    assert kd.backbone.conv1.weight.grad.abs().sum() > 0


def test_alpha_one_is_kd_only_and_training_lowers_it(tmp_path):
    spec, _ = save_teacher(tmp_path, 'a')
    kd = build_kd([spec], alpha=1.0)
    kd.train()
    x, ys = torch.randn(8, 3, 32, 32), samples([0, 1, 2, 0, 1, 2, 0, 1])
    optim = torch.optim.Adam([p for p in kd.parameters() if p.requires_grad],
                             lr=1e-2)
    values = []
    for _ in range(8):
        losses = kd(x, ys, mode='loss')
        assert set(losses) == {'loss_kd'}
        optim.zero_grad()
        losses['loss_kd'].backward()
        optim.step()
        values.append(losses['loss_kd'].item())
    assert values[-1] < values[0]


def test_checkpoint_is_a_plain_student(tmp_path):
    spec, _ = save_teacher(tmp_path, 'a')
    kd = build_kd([spec])
    state = kd.state_dict()
    assert not any(k.startswith('teachers.') for k in state)
    with DefaultScope.overwrite_default_scope('defectzoo'):
        student = MODELS.build(tiny_classifier())
    student.load_state_dict(state, strict=True)
    # ... and back into the KD model (teachers are not expected).
    kd.load_state_dict(student.state_dict(), strict=True)


def test_teacher_with_other_classes_is_refused(tmp_path):
    spec, _ = save_teacher(tmp_path, 'five', num_classes=5)
    with pytest.raises(
            ValueError,
            match=r'predicts 5 classes, the student 3'
            r'.*head.num_classes'):
        build_kd([spec])


def test_teachers_with_other_class_lists_are_refused(tmp_path):
    a, _ = save_teacher(tmp_path, 'a', classes=['x', 'y', 'z'])
    b, _ = save_teacher(tmp_path, 'b', classes=['y', 'x', 'z'])
    with pytest.raises(ValueError, match='share the class list'):
        build_kd([a, b])


def test_missing_teacher_checkpoint(tmp_path):
    spec = dict(model=tiny_classifier(), checkpoint=str(tmp_path / 'no.pth'))
    with pytest.raises(FileNotFoundError, match=r'teachers\[0\].checkpoint'):
        build_kd([spec])
    with pytest.raises(ValueError, match='no checkpoint'):
        build_kd([dict(model=tiny_classifier())])


def test_teacher_from_config_file(tmp_path):
    spec, _ = save_teacher(tmp_path, 'a')
    cfg = tmp_path / 'teacher.py'
    cfg.write_text(f'model = {spec["model"]!r}\n')
    kd = build_kd(dict(config=str(cfg), checkpoint=spec['checkpoint']))
    assert len(kd.teachers) == 1
    assert isinstance(kd, KDImageClassifier)
