"""``init_inferencer(CONFIG | ZOO_NAME, WEIGHTS)``: the inferencer of a
config's model, the first of :data:`INFERENCER_TYPES` whose
``model_types`` the model's class is one of."""
from typing import Optional

from mmengine.registry import MODELS

from .base import DefectInferencerMixin, resolve_model, scoped
from .image_classification import DefectClsInferencer, DefectGalleryInferencer
from .multitask import DefectAuxNetInferencer
from .object_detection import DefectDetInferencer
from .semantic_segmentation import DefectSegInferencer
from .slicing import TilingError

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
