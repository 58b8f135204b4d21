"""Image classification: :class:`DefectClsInferencer` (mmpretrain's
``ImageClassificationInferencer``) and :class:`DefectGalleryInferencer`
(reference-gallery classifiers)."""
from typing import Optional, Sequence

from mmengine.dataset import default_collate
from mmengine.registry import MODELS, DefaultScope
from mmpretrain.apis import ImageClassificationInferencer
from mmpretrain.models.classifiers import BaseClassifier
from mmpretrain.visualization import UniversalVisualizer

from defectzoo.models.scl_arcmargin import SCLArcMarginClassifier
from defectzoo.registry import INFERENCERS
from .base import (DefectInferencerMixin, dataset_meta_of,
                   load_checkpoint_dict, resolve_model, scoped)
from .fields import cls_fields


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
        # what mmpretrain's get_model sets and its BaseInferencer reads (no
        # public way to give it a built model's config and classes)
        net._config = cfg
        net._dataset_meta = dataset_meta_of(checkpoint, cfg)
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
