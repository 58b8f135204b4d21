"""defectzoo.apis: building models, inferencers and the model zoo."""
from .base import DEFAULT_SCORE_THR, DefectInferencerMixin
from .inferencers import (INFERENCER_TYPES, DefectAuxNetInferencer,
                          DefectClsInferencer, DefectDetInferencer,
                          DefectGalleryInferencer, DefectSegInferencer,
                          init_inferencer)
from .model import init_model, load_config
from .ood import NearestNeighbourOOD
from .zoo import ZooError, ZooModel, fetch, get_model_info, list_models

__all__ = [
    'DEFAULT_SCORE_THR', 'DefectAuxNetInferencer', 'DefectClsInferencer',
    'DefectDetInferencer', 'DefectGalleryInferencer', 'DefectInferencerMixin',
    'DefectSegInferencer', 'INFERENCER_TYPES', 'NearestNeighbourOOD',
    'ZooError', 'ZooModel', 'fetch', 'get_model_info', 'init_inferencer',
    'init_model', 'list_models', 'load_config'
]
