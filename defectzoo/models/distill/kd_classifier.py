"""Knowledge distillation into an image classifier (Sampath et al., ICECET
2022; thesis ch. 4.3.4): frozen teacher(s), trained student,

    L = alpha * T^2 * KL(P_s^T || P_t^T) + (1 - alpha) * CE(P_s, y),

with ``P_t^T`` the mean of the teachers' softened probabilities (the
paper's ensemble "average probability distribution").
"""
import os.path as osp
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.config import Config
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.structures import DataSample

from defectzoo.registry import MODELS
from ..utils.build import init_model
from .kd_loss import soften


def _num_classes(model: nn.Module) -> Optional[int]:
    head = getattr(model, 'head', None)
    return getattr(head, 'num_classes', None)


@MODELS.register_module()
class KDImageClassifier(ImageClassifier):
    """An mmpretrain ``ImageClassifier`` (the student: ``backbone``, ``neck``,
    ``head``) trained from frozen teachers.

    The teachers are never trained: they are built from their own config
    and checkpoint (:func:`~defectzoo.models.utils.init_model`), kept in
    eval mode (BN statistics and dropout frozen), run without gradients,
    and left out of this model's ``state_dict`` — a
    checkpoint of this model is a plain student checkpoint, which loads into
    the student's own config for testing, quantisation, pruning and export.

    Args:
        backbone, neck, head, data_preprocessor, init_cfg: the student, as
            for ``ImageClassifier``. The head's loss is the CE term.
        teachers: one or more teachers, each
            ``dict(config='path/to/teacher_config.py', checkpoint='x.pth')``
            (any registered classifier whose ``mode='tensor'`` forward
            returns ``(N, num_classes)`` scores), or ``dict(model=dict(...),
            checkpoint=...)`` with the model config inline.
        distill_loss: the KD term, ``DistillKLDivLoss`` (its
            ``temperature`` softens both student and teachers).
        alpha: weight of the KD term; ``1 - alpha`` weighs the CE term.
            The paper found ``alpha = 1`` best.
    """

    def __init__(self,
                 backbone: dict,
                 teachers: Union[dict, Sequence[dict]],
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 distill_loss: dict = dict(
                     type='DistillKLDivLoss', temperature=4.0),
                 alpha: float = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 **kwargs):
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg,
            **kwargs)
        if not 0 <= alpha <= 1:
            raise ValueError(f'alpha must be in [0, 1], got {alpha}')
        self.alpha = alpha
        self.distill_loss = MODELS.build(distill_loss)
        if isinstance(teachers, dict):
            teachers = [teachers]
        if not teachers:
            raise ValueError('KDImageClassifier needs at least one teacher')
        self.teacher_names: List[str] = []
        # A plain ModuleList: BaseModule.init_weights skips it, so the
        # student's initialisation never overwrites the teachers' weights.
        self.teachers = nn.ModuleList(
            self._build_teacher(i, t) for i, t in enumerate(teachers))
        self._check_teacher_classes()
        self._register_state_dict_hook(_drop_teacher_keys)
        self.register_load_state_dict_post_hook(_ignore_missing_teachers)

    # ---- teachers ------------------------------------------------------
    def _build_teacher(self, index: int, spec: dict) -> nn.Module:
        spec = dict(spec)
        checkpoint = spec.pop('checkpoint', None)
        config, model_cfg = spec.pop('config', None), spec.pop('model', None)
        if spec:
            raise ValueError(f'teacher {index}: unknown keys {sorted(spec)};'
                             ' give config (or model) and checkpoint')
        if (config is None) == (model_cfg is None):
            raise ValueError(f'teacher {index}: give exactly one of config='
                             "'teacher_config.py' or model=dict(...)")
        if checkpoint is None:
            raise ValueError(
                f'teacher {index}: no checkpoint; a teacher must be trained '
                f'first (set teachers[{index}].checkpoint)')
        if isinstance(checkpoint, str) and '://' not in checkpoint \
                and not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'teacher {index}: checkpoint {checkpoint} does not exist; '
                f'train the teacher first or fix teachers[{index}].checkpoint')
        if config is None:
            config = Config(dict(model=model_cfg, default_scope='defectzoo'))
        teacher = init_model(config, checkpoint)
        name = config if isinstance(config, str) else \
            model_cfg.get('type', 'teacher')
        self.teacher_names.append(f'teacher {index} ({name}, {checkpoint})')
        teacher.requires_grad_(False)
        return teacher.eval()

    def _check_teacher_classes(self):
        student = _num_classes(self)
        metas = []
        for name, teacher in zip(self.teacher_names, self.teachers):
            n = _num_classes(teacher)
            if student is not None and n is not None and n != student:
                raise ValueError(
                    f'{name} predicts {n} classes, the student {student}: '
                    'distil from teachers trained on the student\'s classes '
                    f'(or set the student\'s head.num_classes={n} if the '
                    'data set really has that many)')
            classes = teacher.dataset_meta.get('classes')
            if classes is not None:
                metas.append((name, tuple(classes)))
        for name, classes in metas[1:]:
            if classes != metas[0][1]:
                raise ValueError(
                    f'{name} was trained on classes {list(classes)}, '
                    f'{metas[0][0]} on {list(metas[0][1])}: teachers must '
                    'share the class list and its order')
        self.teacher_classes = metas[0][1] if metas else None

    def train(self, mode: bool = True):
        super().train(mode)
        for teacher in self.teachers:
            teacher.eval()
        return self

    @torch.no_grad()
    def teacher_probs(self, inputs: torch.Tensor) -> torch.Tensor:
        """The ensemble's softened probabilities: the mean over teachers of
        ``softmax(z_t / T)``, ``(N, C)``."""
        temperature = self.distill_loss.temperature
        probs = []
        for name, teacher in zip(self.teacher_names, self.teachers):
            logits = teacher(inputs, mode='tensor')
            if isinstance(logits, (tuple, list)):
                logits = logits[-1]
            if logits.dim() != 2:
                raise ValueError(
                    f'{name}: its mode="tensor" forward returned shape '
                    f'{tuple(logits.shape)}, not (N, num_classes) scores; '
                    'use a classifier with a head as teacher')
            probs.append(soften(logits.float(), temperature))
        return torch.stack(probs).mean(0)

    # ---- training ------------------------------------------------------
    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> dict:
        feats = self.extract_feat(inputs)
        logits = self.head(feats)
        teacher_probs = self.teacher_probs(inputs)
        if teacher_probs.shape != logits.shape:
            raise ValueError(
                f'the teachers give {teacher_probs.shape[-1]} class scores, '
                f'the student {logits.shape[-1]}: teachers and student must '
                'be trained on the same classes')
        losses = {}
        if self.alpha < 1:
            ce = self.head._get_loss(logits, data_samples)
            losses['loss_ce'] = (1 - self.alpha) * ce.pop('loss')
            losses.update(ce)
        if self.alpha > 0:
            losses['loss_kd'] = self.alpha * self.distill_loss(
                logits, teacher_probs)
        return losses


def _drop_teacher_keys(module, state_dict, prefix, local_metadata):
    for key in [k for k in state_dict if k.startswith(prefix + 'teachers.')]:
        del state_dict[key]
    return state_dict


def _ignore_missing_teachers(module, incompatible_keys):
    missing = incompatible_keys.missing_keys
    missing[:] = [
        k for k in missing
        if not k.startswith('teachers.') and '.teachers.' not in k
    ]
