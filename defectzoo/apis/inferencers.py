"""Inferencers for defectzoo configs, subclasses of the OpenMMLab ones.

=========================  ==========================================
``DefectClsInferencer``    mmpretrain ``ImageClassificationInferencer``
``DefectGalleryInferencer``  the same, for reference-gallery classifiers
``DefectDetInferencer``    mmdet ``DetInferencer``
``DefectAuxNetInferencer``  the same, for Defect-Aux-Net (class + mask + boxes)
``DefectSegInferencer``    mmseg ``MMSegInferencer``
=========================  ==========================================

``init_inferencer(CONFIG | ZOO_NAME, WEIGHTS)`` picks the one for the
config's model. Example::

    from defectzoo.apis import init_inferencer
    inferencer = init_inferencer('resnet18_1xb32-adam-6e_neu-cls-96px')
    out = inferencer.run('images/')     # folder, files or numpy arrays
    out['predictions'][0]  # {'input', 'verdict', 'defect_score', ...}
"""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmdet.apis import DetInferencer
from mmdet.models.detectors import BaseDetector
from mmdet.structures import DetDataSample
from mmengine.dataset import Compose, default_collate
from mmengine.registry import DATASETS, MODELS, VISUALIZERS, DefaultScope
from mmpretrain.apis import ImageClassificationInferencer
from mmpretrain.models.classifiers import BaseClassifier
from mmseg.apis import MMSegInferencer
from mmseg.models.segmentors import BaseSegmentor

from defectzoo.datasets.transforms.inference_loading import LoadInferenceImage
from defectzoo.models.classifiers import SCLArcMarginClassifier
from defectzoo.models.detectors import DefectAuxNet
from defectzoo.registry import INFERENCERS
from .base import (DefectInferencerMixin, InputType, load_checkpoint_dict,
                   resolve_model, scoped)
from .slicing import (TiledImage, TilingError, check_tiling, merge_tiles,
                      nms_settings, tile_windows)


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


def cls_fields(scores: torch.Tensor, classes: Sequence[str],
               ok_classes: Sequence[str]) -> dict:
    """Result fields of class scores; the defect score is 1 - P(OK
    classes) (1 - nothing = the top score's class is a defect)."""
    scores = scores.detach().float().cpu()
    label = int(scores.argmax())
    classes = tuple(classes) or tuple(str(i) for i in range(len(scores)))
    ok = [i for i, c in enumerate(classes) if c.lower() in ok_classes]
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


def det_fields(inst, classes: Sequence[str], score_thr: float) -> dict:
    """Result fields of ``pred_instances``: boxes at or above
    ``score_thr``; the defect score is the highest box score."""
    keep = inst.scores >= score_thr
    boxes = []
    for box, score, label in zip(inst.bboxes[keep].tolist(),
                                 inst.scores[keep].tolist(),
                                 inst.labels[keep].tolist()):
        boxes.append(
            dict(
                bbox=[round(v, 1) for v in box],
                score=round(score, 4),
                label=label,
                class_name=classes[label]
                if label < len(classes) else str(label)))
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


def background_index(classes: Sequence[str], ok_classes: Sequence[str]):
    """Index of the first class named like "no defect" (default 0)."""
    for i, c in enumerate(classes):
        if c.lower() in ok_classes:
            return i
    return 0


def seg_fields(pred, classes: Sequence[str], bg: int) -> dict:
    """Result fields of ``pred_sem_seg`` / ``seg_logits``: defect area per
    class; the defect score is the highest per-pixel probability of not
    being the background class ``bg``."""
    labels = pred.pred_sem_seg.data[0]
    logits = pred.seg_logits.data.float()
    if logits.size(0) == 1:  # binary head with a sigmoid
        prob_defect = logits[0].sigmoid()
    else:
        prob_defect = 1 - F.softmax(logits, dim=0)[bg]
    areas = {
        classes[c] if c < len(classes) else str(c): int(n)
        for c, n in zip(
            *[t.tolist() for t in torch.unique(labels, return_counts=True)])
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


def mask_class_meta(meta: dict, num_classes: int) -> dict:
    """Fill the mask ``classes`` (``background``, ``defect_1``, ...) and a
    palette (black background) of ``meta`` where it has none."""
    if not meta.get('classes'):
        meta['classes'] = tuple(['background'] +
                                [f'defect_{i}' for i in range(1, num_classes)])
    if not meta.get('palette') or len(meta['palette']) != len(meta['classes']):
        rng = np.random.default_rng(0)
        meta['palette'] = [[0, 0, 0]] + rng.integers(
            64, 256, (len(meta['classes']) - 1, 3)).tolist()
    return meta


class _MMEngineLoadingMixin:
    """Construction of the mmengine-based inferencers (mmdet, mmseg) on a
    defectzoo config or zoo name, and their ``_load_weights_to_model``
    helper: checked loading, dataset meta from the checkpoint / dataset
    class, OOD statistics kept for ``_setup_defect``. Arguments: see
    :class:`DefectInferencerMixin`.
    """
    _ckpt_meta = None
    #: extra keyword arguments of the library inferencer's ``__init__``
    library_kwargs: dict = {}

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
            **self.library_kwargs)
        self._setup_defect(score_thr, ok_classes, self._ckpt_meta)

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
    mmpretrain's inferencer as a model. Arguments: see
    :class:`DefectInferencerMixin`.
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

    def collate(self, data):
        return default_collate(data)

    def pred_to_dict(self, pred) -> dict:
        return cls_fields(pred.pred_score, self.class_names, self.ok_classes)

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
    ``DetInferencer`` with defectzoo loading, scope and checks).

    Sliced inference of large images (e.g. whole radiographs) with
    ``tile``: an image larger than ``tile`` in either side is loaded once,
    by the test pipeline's loader -- so X-ray windowing (``percentiles``,
    16-bit stretching) is computed on the whole image, not per window --
    and cut into ``tile x tile`` windows overlapping by ``overlap`` px
    (the last window of a row / column ends at the image border). The rest
    of the test pipeline (resize, packing) runs per window, the model sees
    ``batch_size`` windows per forward pass, and the windows' boxes are
    merged in image coordinates (:mod:`defectzoo.apis.slicing`: boxes cut
    by a window edge dropped where a neighbouring window found the defect
    whole, then class-wise NMS at the model's test-time IoU threshold,
    default 0.6, at most its ``max_per_img`` boxes). Images no larger than
    the tile run whole, as without tiling. Results get ``tiles`` (the
    number of windows); the OOD score of a sliced image is the highest of
    its windows'.

    Args:
        tile: window side in px (an integer >= 32); None: no tiling.
        overlap: overlap of neighbouring windows in px, ``0 <= overlap <
            tile``; at least the largest defect's size, so that each
            defect lies whole in some window.
        **kwargs: see :class:`DefectInferencerMixin`.
    """
    task = 'detection'
    model_types = (BaseDetector, )
    library_kwargs = dict(show_progress=False)
    supports_tiling = True

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 tile: Optional[int] = None,
                 overlap: int = 0,
                 **kwargs):
        if tile is not None:
            if not self.supports_tiling:
                raise TilingError(f'{type(self).__name__} does not support '
                                  'tiled inference (tile=...)')
            check_tiling(tile, overlap)
        self.tile, self.overlap = tile, overlap
        super().__init__(model, weights, **kwargs)
        steps = self.pipeline.transforms
        k = 1 + next(i for i, t in enumerate(steps)
                     if isinstance(t, LoadInferenceImage))
        # whole image: load (and window); then per window: the rest
        self._load_whole, self._per_window = Compose(steps[:k]), Compose(
            steps[k:])

    def prepare(self, name: str, src: InputType):
        """The packed input of the image, or with tiling and an image
        larger than the tile a :class:`TiledImage` of its windows."""
        if self.tile is None:
            return super().prepare(name, src)
        results = self._load_whole(self._pipeline_input(name, src))
        h, w = results['img'].shape[:2]
        if h <= self.tile and w <= self.tile:
            return self._per_window(results)
        windows = tile_windows(h, w, self.tile, self.overlap)
        inputs = []
        for x0, y0, x1, y1 in windows:
            part = dict(results)
            for key in ('img', 'img_raw'):
                if key in part:
                    part[key] = np.ascontiguousarray(part[key][y0:y1, x0:x1])
            part.update(
                img_shape=(y1 - y0, x1 - x0), ori_shape=(y1 - y0, x1 - x0))
            inputs.append(self._per_window(part))
        meta = dict(
            img_path=results.get('img_path'),
            ori_shape=(h, w),
            img_shape=(h, w),
            tiles=len(windows))
        return TiledImage(inputs, windows, (h, w), meta)

    def predict_prepared(self, data: list, batch_size: int = 1):
        """As the parent; with tiling, ``batch_size`` windows (or whole
        small images) per forward pass, merged per image."""
        if self.tile is None:
            return super().predict_prepared(data, batch_size)
        flat, owner = [], []
        for i, item in enumerate(data):
            parts = item.inputs if isinstance(item, TiledImage) else [item]
            flat += parts
            owner += [i] * len(parts)
        preds, feats, step = [], [], max(1, batch_size)
        for k in range(0, len(flat), step):
            preds += self.model.test_step(self.collate(flat[k:k + step]))
            feats.append(self._capture.pop())
        scores = None if any(f is None for f in feats) else \
            self.ood_scores(torch.cat(feats))
        iou_thr, max_per_img = nms_settings(
            getattr(self.model, 'test_cfg', None)
            or self.cfg.model.get('test_cfg'))
        out, out_scores = [], []
        for i, item in enumerate(data):
            idx = [k for k, o in enumerate(owner) if o == i]
            if isinstance(item, TiledImage):
                pred = DetDataSample(metainfo=item.metainfo)
                pred.pred_instances = merge_tiles(
                    [preds[k].pred_instances for k in idx], item.windows,
                    *item.shape, iou_thr, max_per_img)
                out.append(pred)
            else:
                out.append(preds[idx[0]])
            if scores is not None:
                out_scores.append(max(scores[k] for k in idx))
        return out, None if scores is None else out_scores

    def _load_weights_to_model(self, model, checkpoint, cfg):
        self._load_with_meta(model, checkpoint, cfg)
        model.dataset_meta.setdefault('palette', 'random')

    def _init_visualizer(self, cfg):
        vis = _new_visualizer('mmdet.DetLocalVisualizer', 'defectzoo-det')
        vis.dataset_meta = self.model.dataset_meta
        return vis

    def pred_to_dict(self, pred) -> dict:
        out = det_fields(pred.pred_instances, self.class_names, self.score_thr)
        if self.tile is not None:
            out['tiles'] = pred.metainfo.get('tiles', 1)
        return out

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
class DefectAuxNetInferencer(DefectDetInferencer):
    """Defect-Aux-Net: whether (class + score), where (mask) and which
    instances (boxes) from one forward pass (mmdet's ``DetInferencer``
    drives it; the model is an mmdet ``BaseDetector``).

    Class names come from the checkpoint's / dataset's meta: ``classes``
    are the mask classes (background first), ``det_classes`` the box
    classes (default: the mask classes without the background),
    ``cls_classes`` the image classes (default ``defect_free /
    defective``, as ``MultiTaskMetric``). The verdict's defect score is the
    classification head's 1 - P(defect_free); a model without that head
    takes the highest of its mask and box scores. ``task_scores`` keeps
    each head's score.
    """
    task = 'multi-task'
    model_types = (DefectAuxNet, )
    supports_tiling = False  # masks and image class: not merged per window

    def __init__(self, model, weights=None, **kwargs):
        super().__init__(model, weights, **kwargs)
        meta = self.model.dataset_meta
        self._seg_visualizer = _new_visualizer(
            'mmseg.SegLocalVisualizer', 'defectzoo-aux-seg', alpha=0.5)
        self._seg_visualizer.set_dataset_meta(meta['classes'], meta['palette'])
        self.visualizer.dataset_meta = dict(
            classes=self.det_classes,
            palette=[tuple(c) for c in meta['palette'][1:]] or 'random')

    def _load_weights_to_model(self, model, checkpoint, cfg):
        n = model.seg_head.num_classes if model.with_seg else \
            model.det_head.num_classes + 1 if model.with_det else 2
        mask_class_meta(self._load_with_meta(model, checkpoint, cfg), n)

    @property
    def det_classes(self) -> Tuple[str, ...]:
        meta = self.model.dataset_meta
        return tuple(meta.get('det_classes') or meta['classes'][1:])

    @property
    def cls_classes(self) -> Tuple[str, ...]:
        meta = self.model.dataset_meta
        if meta.get('cls_classes'):
            return tuple(meta['cls_classes'])
        n = self.model.cls_head.num_classes if self.model.with_cls else 2
        return ('defect_free', 'defective') if n == 2 else \
            tuple(str(i) for i in range(n))

    def pred_to_dict(self, pred) -> dict:
        out, scores = dict(tasks=list(self.model.tasks)), {}
        if 'pred_instances' in pred:
            det = det_fields(pred.pred_instances, self.det_classes,
                             self.score_thr)
            scores['det'] = det.pop('defect_score')
            out.update(det)
        if 'pred_sem_seg' in pred:
            seg = seg_fields(
                pred, self.class_names,
                background_index(self.class_names, self.ok_classes))
            scores['seg'] = seg.pop('defect_score')
            out.update({
                k: v
                for k, v in seg.items() if k not in out or v is not None
            })
        if 'pred_score' in pred:
            cls = cls_fields(pred.pred_score, self.cls_classes,
                             self.ok_classes)
            scores['cls'] = cls.pop('defect_score')
            out.update(cls)
        out['task_scores'] = scores
        out['defect_score'] = scores['cls'] if 'cls' in scores else max(
            scores.values())
        return out

    def draw(self, image, pred, name):
        """Mask (mmseg's visualiser), then boxes (mmdet's), then the image
        class and score in the corner."""
        img = image
        if 'pred_sem_seg' in pred:
            self._seg_visualizer.add_datasample(
                name, img, pred, draw_gt=False, show=False)
            img = self._seg_visualizer.get_image()
        if 'pred_instances' in pred:
            boxes = pred.clone()
            for key in ('pred_sem_seg', 'gt_sem_seg', 'seg_logits'):
                if key in boxes:
                    delattr(boxes, key)
            self.visualizer.add_datasample(
                name,
                img,
                boxes,
                draw_gt=False,
                show=False,
                pred_score_thr=self.score_thr)
            img = self.visualizer.get_image()
        if 'pred_score' in pred:
            res = cls_fields(pred.pred_score, self.cls_classes,
                             self.ok_classes)
            self.visualizer.set_image(img)
            self.visualizer.draw_texts(
                f'{res["pred_class"]} {res["pred_score"]:.2f}',
                np.array([[4, 4]]),
                colors='white',
                font_sizes=max(8, img.shape[0] // 25),
                bboxes=[dict(facecolor='black', alpha=0.6, pad=1)])
            img = self.visualizer.get_image()
        return img


@INFERENCERS.register_module()
class DefectSegInferencer(_MMEngineLoadingMixin, DefectInferencerMixin,
                          MMSegInferencer):
    """Semantic segmentation on a defectzoo config or zoo name (mmseg's
    ``MMSegInferencer``). Class 0 (or a class named like background / OK)
    is "no defect"; the defect score is the highest per-pixel probability
    of not being background."""
    task = 'segmentation'
    model_types = (BaseSegmentor, )

    def __init__(self, model, weights=None, **kwargs):
        super().__init__(model, weights, **kwargs)
        meta = self.model.dataset_meta
        # mmseg's __init__ reset the visualiser to Cityscapes' classes.
        self.visualizer.set_dataset_meta(meta['classes'], meta['palette'])

    def _load_weights_to_model(self, model, checkpoint, cfg):
        mask_class_meta(
            self._load_with_meta(model, checkpoint, cfg),
            model.decode_head.num_classes)

    def _init_visualizer(self, cfg):
        return _new_visualizer(
            'mmseg.SegLocalVisualizer', 'defectzoo-seg', alpha=0.5)

    def background_index(self) -> int:
        return background_index(self.class_names, self.ok_classes)

    def pred_to_dict(self, pred) -> dict:
        return seg_fields(pred, self.class_names, self.background_index())

    def draw(self, image, pred, name):
        self.visualizer.add_datasample(
            name, image, pred, draw_gt=False, show=False)
        return self.visualizer.get_image()


#: Most specific first: a subclass for a new model family goes in front.
INFERENCER_TYPES = [
    DefectGalleryInferencer, DefectClsInferencer, DefectAuxNetInferencer,
    DefectDetInferencer, DefectSegInferencer
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
            if kwargs.get('tile') is not None and \
                    not inferencer_cls.supports_tiling:
                raise TilingError(
                    'tiled inference (tile=...) is for detectors; '
                    f'{model_cls.__name__} is run by '
                    f'{inferencer_cls.__name__} ({inferencer_cls.task})')
            return inferencer_cls(cfg, weights, **kwargs)
    raise TypeError(f'no defectzoo inferencer for {model_cls.__name__} '
                    f'(known: {[c.__name__ for c in INFERENCER_TYPES]})')
