"""Inferencers for defectzoo configs, subclasses of the OpenMMLab ones.

=========================  ==========================================
``DefectClsInferencer``    mmpretrain ``ImageClassificationInferencer``
``DefectGalleryInferencer``  the same, for reference-gallery classifiers
``DefectDetInferencer``    mmdet ``DetInferencer``
``DefectSegInferencer``    mmseg ``MMSegInferencer``
=========================  ==========================================

``init_inferencer(CONFIG | ZOO_NAME, WEIGHTS)`` picks the one for the
config's model. Example::

    from defectzoo.apis import init_inferencer
    inferencer = init_inferencer('resnet18_1xb32-adam-6e_neu-cls-96px')
    out = inferencer.run('images/')     # folder, files or numpy arrays
    out['predictions'][0]  # {'input', 'verdict', 'defect_score', ...}
"""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from mmdet.apis import DetInferencer
from mmdet.models.detectors import BaseDetector
from mmengine.dataset import Compose, default_collate
from mmengine.registry import DATASETS, MODELS, VISUALIZERS, DefaultScope
from mmpretrain.apis import ImageClassificationInferencer
from mmpretrain.models.classifiers import BaseClassifier
from mmseg.apis import MMSegInferencer
from mmseg.models.segmentors import BaseSegmentor

from defectzoo.models.classifiers import SCLArcMarginClassifier
from defectzoo.registry import INFERENCERS
from .base import (DefectInferencerMixin, load_checkpoint_dict, resolve_model,
                   scoped)


def _dataset_metainfo(cfg) -> dict:
    """``METAINFO`` of the test dataset's class (not built: building may
    read or even generate data)."""
    try:
        ds_type = cfg.test_dataloader.dataset.type
        return dict(getattr(DATASETS.get(ds_type), 'METAINFO', {}) or {})
    except Exception:  # no test dataloader / unknown type
        return {}


def _meta_of(checkpoint: Optional[dict], cfg) -> dict:
    meta = dict((checkpoint or {}).get('meta', {}).get('dataset_meta') or {})
    meta = {k.lower(): v for k, v in meta.items()}
    for k, v in _dataset_metainfo(cfg).items():
        meta.setdefault(k.lower(), v)
    return meta


class _MMEngineLoadingMixin:
    """``_load_weights_to_model`` of mmengine-based inferencers (mmdet,
    mmseg): checked loading, dataset meta from the checkpoint / dataset
    class, OOD statistics kept for ``_setup_defect``."""
    _ckpt_meta = None

    def _load_with_meta(self, model, checkpoint, cfg) -> dict:
        if checkpoint is not None:
            self._load_checked(model, checkpoint, self.weights)
            self._ckpt_meta = checkpoint.get('meta', {})
        model.dataset_meta = _meta_of(checkpoint, cfg)
        return model.dataset_meta


def _new_visualizer(cfg_type: str, name_prefix: str, **kwargs):
    from datetime import datetime
    return VISUALIZERS.build(
        dict(
            type=cfg_type,
            name=f'{name_prefix}-{datetime.now().timestamp()}',
            **kwargs))


@INFERENCERS.register_module()
class DefectClsInferencer(DefectInferencerMixin,
                          ImageClassificationInferencer):
    """Image classification on a defectzoo config or zoo name.

    mmpretrain's ``get_model`` builds every config in the ``mmpretrain``
    scope, where defectzoo's backbones (``MVGG19``) are unknown; here the
    model is built in the config's ``default_scope`` and handed to
    mmpretrain's inferencer as a model.

    Args:
        model: config path, Config or zoo name.
        weights: checkpoint path, URL or ``zoo://NAME`` (a zoo name's own
            weights by default).
        device: e.g. ``'cpu'``.
        score_thr: verdict threshold (default :data:`DEFAULT_SCORE_THR`).
        ok_classes: class names meaning "no defect".
    """
    task = 'classification'
    model_types = (BaseClassifier, )

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 device: Optional[str] = 'cpu',
                 score_thr: Optional[float] = None,
                 ok_classes: Optional[Sequence[str]] = None):
        cfg, weights = resolve_model(model, weights)
        scope = scoped(cfg)
        with DefaultScope.overwrite_default_scope(scope):
            net = MODELS.build(cfg.model)
        checkpoint = None
        if weights is not None:
            checkpoint = load_checkpoint_dict(weights)
            self._load_checked(net, checkpoint, weights)
        net._config = cfg
        net._dataset_meta = _meta_of(checkpoint, cfg)
        net._metainfo = None
        self.weights = weights
        with DefaultScope.overwrite_default_scope(scope):
            super().__init__(model=net, pretrained=False, device=device)
        self._setup_defect(score_thr, ok_classes, (checkpoint
                                                   or {}).get('meta'))

    def _init_pipeline(self, cfg):
        return Compose(self._inference_pipeline_cfg(cfg))

    def collate(self, data):
        return default_collate(data)

    def pred_to_dict(self, pred) -> dict:
        scores = pred.pred_score.detach().float().cpu()
        label = int(scores.argmax())
        classes = self.class_names or tuple(str(i) for i in range(len(scores)))
        ok = [i for i, c in enumerate(classes) if c.lower() in self.ok_classes]
        defect = 1.0 - float(scores[ok].sum()) if ok else 1.0
        return dict(
            pred_class=classes[label],
            pred_label=label,
            pred_score=round(float(scores[label]), 4),
            scores={
                c: round(float(s), 4)
                for c, s in zip(classes, scores)
            },
            defect_score=round(defect, 4))

    def draw(self, image, pred, name):
        if self.visualizer is None:
            from mmpretrain.visualization import UniversalVisualizer
            self.visualizer = UniversalVisualizer()
        self.visualizer.visualize_cls(
            image,
            pred,
            classes=self.class_names or None,
            draw_gt=False,
            draw_pred=True,
            draw_score=True,
            name=name)
        return self.visualizer.get_image()


@INFERENCERS.register_module()
class DefectGalleryInferencer(DefectClsInferencer):
    """Reference-gallery classifiers (``SCLArcMarginClassifier``): the
    checkpoint must carry its gallery (``tools/misc/build_gallery.py``)."""
    task = 'classification (gallery)'
    model_types = (SCLArcMarginClassifier, )

    def __init__(self, model, weights=None, **kwargs):
        super().__init__(model, weights, **kwargs)
        net = self.model
        if net.classifier == 'gallery' and not net.has_gallery:
            raise ValueError(
                f'checkpoint {weights or self.weights} has no reference '
                'gallery: build one with tools/misc/build_gallery.py CONFIG '
                'CKPT --folder DIR --out NEW.pth')


@INFERENCERS.register_module()
class DefectDetInferencer(_MMEngineLoadingMixin, DefectInferencerMixin,
                          DetInferencer):
    """Object detection on a defectzoo config or zoo name (mmdet's
    ``DetInferencer`` with defectzoo loading, scope and checks)."""
    task = 'detection'
    model_types = (BaseDetector, )

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 device: Optional[str] = 'cpu',
                 score_thr: Optional[float] = None,
                 ok_classes: Optional[Sequence[str]] = None):
        cfg, self.weights = resolve_model(model, weights)
        super().__init__(
            model=cfg,
            weights=self.weights,
            device=device,
            scope=scoped(cfg),
            show_progress=False)
        self._setup_defect(score_thr, ok_classes, self._ckpt_meta)

    def _load_weights_to_model(self, model, checkpoint, cfg):
        self._load_with_meta(model, checkpoint, cfg)
        model.dataset_meta.setdefault('palette', 'random')

    def _init_pipeline(self, cfg):
        return Compose(self._inference_pipeline_cfg(cfg))

    def _init_visualizer(self, cfg):
        vis = _new_visualizer('mmdet.DetLocalVisualizer', 'defectzoo-det')
        vis.dataset_meta = self.model.dataset_meta
        return vis

    def pred_to_dict(self, pred) -> dict:
        inst = pred.pred_instances
        keep = inst.scores >= self.score_thr
        classes = self.class_names
        boxes = []
        for box, score, label in zip(inst.bboxes[keep].tolist(),
                                     inst.scores[keep].tolist(),
                                     inst.labels[keep].tolist()):
            b = dict(
                bbox=[round(v, 1) for v in box],
                score=round(score, 4),
                label=label,
                class_name=classes[label]
                if label < len(classes) else str(label))
            boxes.append(b)
        if 'masks' in inst:
            for b, m in zip(boxes, inst.masks[keep]):
                b['mask_area'] = int(m.sum())
        top = float(inst.scores.max()) if len(inst.scores) else 0.0
        best = boxes[0] if boxes else None
        return dict(
            pred_class=best['class_name'] if best else None,
            pred_score=best['score'] if best else None,
            boxes=boxes,
            num_boxes=len(boxes),
            defect_score=round(top, 4))

    def draw(self, image, pred, name):
        self.visualizer.add_datasample(
            name,
            image,
            pred,
            draw_gt=False,
            show=False,
            pred_score_thr=self.score_thr)
        return self.visualizer.get_image()


@INFERENCERS.register_module()
class DefectSegInferencer(_MMEngineLoadingMixin, DefectInferencerMixin,
                          MMSegInferencer):
    """Semantic segmentation on a defectzoo config or zoo name (mmseg's
    ``MMSegInferencer``). Class 0 (or a class named like background / OK)
    is "no defect"; the defect score is the highest per-pixel probability
    of not being background."""
    task = 'segmentation'
    model_types = (BaseSegmentor, )

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 device: Optional[str] = 'cpu',
                 score_thr: Optional[float] = None,
                 ok_classes: Optional[Sequence[str]] = None):
        cfg, self.weights = resolve_model(model, weights)
        super().__init__(
            model=cfg, weights=self.weights, device=device, scope=scoped(cfg))
        meta = self.model.dataset_meta
        # mmseg's __init__ reset the visualiser to Cityscapes' classes.
        self.visualizer.set_dataset_meta(meta['classes'], meta['palette'])
        self._setup_defect(score_thr, ok_classes, self._ckpt_meta)

    def _load_weights_to_model(self, model, checkpoint, cfg):
        meta = self._load_with_meta(model, checkpoint, cfg)
        n = model.decode_head.num_classes
        if not meta.get('classes'):
            meta['classes'] = tuple(['background'] +
                                    [f'defect_{i}' for i in range(1, n)])
        if not meta.get('palette') or len(meta['palette']) != len(
                meta['classes']):
            rng = np.random.default_rng(0)
            meta['palette'] = [[0, 0, 0]] + rng.integers(
                64, 256, (len(meta['classes']) - 1, 3)).tolist()

    def _init_pipeline(self, cfg):
        return Compose(self._inference_pipeline_cfg(cfg))

    def _init_visualizer(self, cfg):
        return _new_visualizer(
            'mmseg.SegLocalVisualizer', 'defectzoo-seg', alpha=0.5)

    def background_index(self) -> int:
        for i, c in enumerate(self.class_names):
            if c.lower() in self.ok_classes:
                return i
        return 0

    def pred_to_dict(self, pred) -> dict:
        labels = pred.pred_sem_seg.data[0]
        logits = pred.seg_logits.data.float()
        bg = self.background_index()
        if logits.size(0) == 1:  # binary head with a sigmoid
            prob_defect = logits[0].sigmoid()
        else:
            prob_defect = 1 - F.softmax(logits, dim=0)[bg]
        classes = self.class_names
        areas = {
            classes[c] if c < len(classes) else str(c): int(n)
            for c, n in zip(
                *
                [t.tolist() for t in torch.unique(labels, return_counts=True)])
            if c != bg
        }
        top = max(areas, key=areas.get) if areas else None
        return dict(
            pred_class=top,
            pred_score=None,
            mask_area=areas,
            defect_fraction=round(float((labels != bg).float().mean()), 5),
            defect_score=round(float(prob_defect.max()), 4),
            mask=labels.cpu().numpy().astype(np.uint8))

    def draw(self, image, pred, name):
        self.visualizer.add_datasample(
            name, image, pred, draw_gt=False, show=False)
        return self.visualizer.get_image()


#: Most specific first: a subclass for a new model family goes in front.
INFERENCER_TYPES = [
    DefectGalleryInferencer, DefectClsInferencer, DefectDetInferencer,
    DefectSegInferencer
]


def init_inferencer(model,
                    weights: Optional[str] = None,
                    **kwargs) -> DefectInferencerMixin:
    """The inferencer of the right task for a config path / zoo name."""
    cfg, weights = resolve_model(model, weights)
    scope = cfg.model.get('_scope_') or scoped(cfg)
    with MODELS.switch_scope_and_registry(scope) as registry:
        model_cls = registry.get(cfg.model['type'])
        if model_cls is None:
            raise KeyError(f'model type {cfg.model["type"]!r} is not '
                           f'registered in scope {scope!r}')
    for inferencer_cls in INFERENCER_TYPES:
        if issubclass(model_cls, inferencer_cls.model_types):
            return inferencer_cls(cfg, weights, **kwargs)
    raise TypeError(f'no defectzoo inferencer for {model_cls.__name__} '
                    f'(known: {[c.__name__ for c in INFERENCER_TYPES]})')
