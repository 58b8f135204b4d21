"""defectzoo.apis: inferencers and reports, plus what users call with
them: ``init_model`` / ``load_config`` (from :mod:`defectzoo.models.utils`)
and the model zoo (from :mod:`defectzoo.utils.zoo`)."""
from defectzoo.models.utils import init_model, load_config
from defectzoo.utils.zoo import (ZooError, ZooModel, fetch, get_model_info,
                                 list_models)
from .base import DEFAULT_SCORE_THR, DefectInferencerMixin
from .inferencers import (INFERENCER_TYPES, DefectAuxNetInferencer,
                          DefectClsInferencer, DefectDetInferencer,
                          DefectGalleryInferencer, DefectSegInferencer,
                          init_inferencer)
from .ood import NearestNeighbourOOD

__all__ = [
    'DEFAULT_SCORE_THR', 'DefectAuxNetInferencer', 'DefectClsInferencer',
    'DefectDetInferencer', 'DefectGalleryInferencer', 'DefectInferencerMixin',
    'DefectSegInferencer', 'INFERENCER_TYPES', 'NearestNeighbourOOD',
    'ZooError', 'ZooModel', 'fetch', 'get_model_info', 'init_inferencer',
    'init_model', 'list_models', 'load_config'
]
