"""defectzoo.apis: inferencers and reports, plus what users call with
them: ``init_model`` / ``load_config`` (from :mod:`defectzoo.models.utils`),
the model zoo (from :mod:`defectzoo.utils.zoo`) and the OOD statistics
(:class:`NearestNeighbourOOD`, from :mod:`defectzoo.models.ood`).

The inferencers, subclasses of the OpenMMLab ones, one module each:

===========================  ==============================================
``DefectClsInferencer``      mmpretrain ``ImageClassificationInferencer``
                             (:mod:`.image_classification`)
``DefectGalleryInferencer``  the same, for reference-gallery classifiers
                             (:mod:`.image_classification`)
``DefectDetInferencer``      mmdet ``DetInferencer`` (:mod:`.object_detection`)
``DefectAuxNetInferencer``   the same, for Defect-Aux-Net (class + mask +
                             boxes; :mod:`.multitask`)
``DefectSegInferencer``      mmseg ``MMSegInferencer``
                             (:mod:`.semantic_segmentation`)
===========================  ==============================================

What they share is :mod:`.base` (construction, loading, running) and
:mod:`.fields` (result fields); ``init_inferencer(CONFIG | ZOO_NAME,
WEIGHTS)`` (:mod:`.inference`) picks the one for the config's model.
Example::

    from defectzoo.apis import init_inferencer
    inferencer = init_inferencer('resnet18_1xb32-adam-6e_neu-cls-96px')
    out = inferencer.run('images/')     # folder, files or numpy arrays
    out['predictions'][0]  # {'input', 'verdict', 'defect_score', ...}
"""
from defectzoo.models.ood import NearestNeighbourOOD
from defectzoo.models.utils import init_model, load_config
from defectzoo.utils.zoo import (ZooError, ZooModel, fetch, get_model_info,
                                 list_models)
from .base import DEFAULT_SCORE_THR, DefectInferencerMixin
from .image_classification import DefectClsInferencer, DefectGalleryInferencer
from .inference import INFERENCER_TYPES, init_inferencer
from .multitask import DefectAuxNetInferencer
from .object_detection import DefectDetInferencer
from .semantic_segmentation import DefectSegInferencer

__all__ = [
    'DEFAULT_SCORE_THR', 'DefectAuxNetInferencer', 'DefectClsInferencer',
    'DefectDetInferencer', 'DefectGalleryInferencer', 'DefectInferencerMixin',
    'DefectSegInferencer', 'INFERENCER_TYPES', 'NearestNeighbourOOD',
    'ZooError', 'ZooModel', 'fetch', 'get_model_info', 'init_inferencer',
    'init_model', 'list_models', 'load_config'
]
