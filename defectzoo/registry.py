"""defectzoo provides 22 registry nodes (the layout of mmyolo's
``registry.py``): 21 are children of MMEngine's root registries, and
``BATCH_AUGMENTS`` is a root of its own, as in mmpretrain. The comment
above each one names every module that defectzoo registers in it and the
folder that holds them, or says "none of defectzoo's own"
(``tests/unit/test_registry.py`` checks both).

``locations`` makes registration lazy: a module is imported only when a
config first asks the registry for something. Configs use
``default_scope='defectzoo'`` and reach other libraries' modules by prefix
(``mmdet.FasterRCNN``, ``mmpretrain.SimMIM``, ``mmseg.DiceLoss``). A name
without prefix that is neither defectzoo's nor mmengine's is looked up in
mmdet, mmpretrain and mmseg, and used when exactly one of them has it (see
:class:`Registry`): stock tools that add modules by bare name
(``dict(type='ConfusionMatrix')``) then work on defectzoo configs.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import INFERENCERS as MMENGINE_INFERENCERS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import \
    RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import \
    WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry as MMEngineRegistry

__all__ = [
    'RUNNERS',
    'RUNNER_CONSTRUCTORS',
    'LOOPS',
    'HOOKS',
    'LOG_PROCESSORS',
    'OPTIMIZERS',
    'OPTIM_WRAPPERS',
    'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS',
    'DATASETS',
    'DATA_SAMPLERS',
    'TRANSFORMS',
    'MODELS',
    'MODEL_WRAPPERS',
    'WEIGHT_INITIALIZERS',
    'BATCH_AUGMENTS',
    'TASK_UTILS',
    'METRICS',
    'EVALUATOR',
    'VISUALIZERS',
    'VISBACKENDS',
    'INFERENCERS',
]


class Registry(MMEngineRegistry):
    """mmengine's ``Registry`` that also finds bare names of the libraries
    defectzoo builds on.

    mmengine searches a name without scope prefix in the registry of the
    default scope (``defectzoo``) and its ancestors (mmengine's root), never
    in sibling scopes. A stock tool that injects a bare name into a defectzoo
    config (mmpretrain's ``confusion_matrix.py`` sets
    ``test_evaluator=dict(type='ConfusionMatrix')``) therefore failed with
    ``ConfusionMatrix is not in the defectzoo::metric registry``. When that
    search fails, :meth:`get` looks the name up in :attr:`FALLBACK_SCOPES`
    and returns it if exactly one library registers it; a name registered by
    several (``Resize``, ``ResNet``, ...) raises a ``KeyError`` listing the
    prefixed names to choose from.
    """
    FALLBACK_SCOPES = ('mmdet', 'mmpretrain', 'mmseg')

    def get(self, key):
        obj_cls = super().get(key)
        if (obj_cls is not None or self.parent is None
                or not isinstance(key, str) or '.' in key):
            return obj_cls
        found = {}
        for scope in self.FALLBACK_SCOPES:
            cls = super().get(f'{scope}.{key}')
            if cls is not None:
                found.setdefault(cls, []).append(f'{scope}.{key}')
        if len(found) > 1:
            names = ', '.join(name for names in found.values()
                              for name in names)
            raise KeyError(f'{key!r} is not in the {self.scope}::{self.name} '
                           f'registry and several libraries have it: write '
                           f'one of {names}')
        return next(iter(found), None)


# Runners (none of defectzoo's own; mmengine's ``Runner`` is used).
RUNNERS = Registry(
    'runner', parent=MMENGINE_RUNNERS, locations=['defectzoo.engine'])

# Runner constructors (none of defectzoo's own).
RUNNER_CONSTRUCTORS = Registry(
    'runner constructor',
    parent=MMENGINE_RUNNER_CONSTRUCTORS,
    locations=['defectzoo.engine'])

# Loops (none of defectzoo's own; few-shot evaluation is a metric,
# ``FewShotEpisodeMetric``).
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['defectzoo.engine'])

# Hooks (``engine/hooks/``): checks (``CheckFiniteHook``,
# ``CheckpointFitHook``), reproducibility (``RandomStateHook``), the
# training console (``ProgressHook``), pictures (``DetPredGridHook``,
# ``GANSampleGridHook``), the SCL reference gallery
# (``ReferenceGalleryHook``) and channel pruning (``ChannelPruningHook``).
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['defectzoo.engine'])

# Log processors (none of defectzoo's own).
LOG_PROCESSORS = Registry(
    'log_processor',
    parent=MMENGINE_LOG_PROCESSORS,
    locations=['defectzoo.engine'])

# Optimizers (none of defectzoo's own).
OPTIMIZERS = Registry(
    'optimizer', parent=MMENGINE_OPTIMIZERS, locations=['defectzoo.engine'])

# Optimizer wrappers (none of defectzoo's own).
OPTIM_WRAPPERS = Registry(
    'optim_wrapper',
    parent=MMENGINE_OPTIM_WRAPPERS,
    locations=['defectzoo.engine'])

# Optimizer-wrapper constructors (``engine/optimizers/``):
# ``MultiOptimWrapperConstructor`` (the GAN's generator / discriminator
# optimizers).
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['defectzoo.engine'])

# Learning-rate / momentum schedulers (none of defectzoo's own).
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=MMENGINE_PARAM_SCHEDULERS,
    locations=['defectzoo.engine'])

# Datasets (``datasets/``): defect-inspection data sets (``NEUClsDataset``,
# ``NEUDetDataset``, ``MagneticTileClsDataset``,
# ``MagneticTileBinaryClsDataset``, ``MagneticTileSegDataset``,
# ``MagneticTileDetDataset``, ``MagneticTileDefectPairDataset``,
# ``SeverstalClsDataset``, ``SeverstalSegDataset``,
# ``GDXrayCastingsDataset``, ``MixedWM38Dataset``), X-ray radiographs
# (``XRayImageFolder``, ``XRayDefectClsDataset``,
# ``SuperimposedXRayDataset``), synthetic data
# (``SyntheticXRayDetDataset``, ``SyntheticSurfaceDefectDataset``), your
# own data (``CocoDetDataset``, ``VOCDetDataset``,
# ``ImageFolderClsDataset``, ``ImageMaskFolderDataset``) and the
# ``KPerClassSubset`` wrapper.
DATASETS = Registry(
    'dataset', parent=MMENGINE_DATASETS, locations=['defectzoo.datasets'])

# Data samplers (none of defectzoo's own; k-per-class subsets are the
# ``KPerClassSubset`` dataset wrapper).
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=MMENGINE_DATA_SAMPLERS,
    locations=['defectzoo.datasets'])

# Data transforms (``datasets/transforms/``): checked image / mask loading
# (``LoadImageChecked``, ``LoadDefectMask``), X-ray loading with intensity
# windowing (``LoadXRayImage``), inference loading
# (``LoadInferenceImage``), ``RandomRot90``, superimposed X-ray defects
# (``SuperimposeEllipsoidDefects``), multi-task samples
# (``MaskToInstances``, ``PackMultiTaskInputs``) and the GAN's defect pairs
# (``DefectGuideVector``, ``PackDefectPairInputs``).
TRANSFORMS = Registry(
    'transform',
    parent=MMENGINE_TRANSFORMS,
    locations=['defectzoo.datasets.transforms'])

# Models (``models/``, one folder per algorithm): ``mvgg19/`` (``MVGG19``,
# ``MultiPathNeck``, ``LinearActNormClsHead``), ``defect_aux_net/``
# (``DefectAuxNet``, ``SEAttention``, ``SpatialAttention``,
# ``MultiTaskDataPreprocessor``), ``scl_arcmargin/``
# (``SCLArcMarginClassifier``, ``SelfContrastiveLoss``), ``distill/``
# (``KDImageClassifier``, ``DistillKLDivLoss``), ``gans/``
# (Magna-Defect-GAN: ``MagnaDefectGAN``, ``MagnaDefectGenerator``,
# ``ConditionalPatchDiscriminator``, ``GramStyleLoss``,
# ``DefectPairDataPreprocessor``); ``common/``, no one algorithm's: the
# mask-supervised ``DefectMapClsHead`` and SimMIM / SimSiam with
# pretext-loss evaluation (``SimMIMWithEval``, ``SimSiamWithEval``).
MODELS = Registry(
    'model', parent=MMENGINE_MODELS, locations=['defectzoo.models'])

# Model wrappers (``models/common/``): ``CPUDistributedDataParallel`` (DDP
# on CPU-only machines).
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=MMENGINE_MODEL_WRAPPERS,
    locations=['defectzoo.models'])

# Weight initialisers (none of defectzoo's own).
WEIGHT_INITIALIZERS = Registry(
    'weight initializer',
    parent=MMENGINE_WEIGHT_INITIALIZERS,
    locations=['defectzoo.models'])

# Batch-level augmentations (none of defectzoo's own; no parent, as in
# mmpretrain: a second child of MMENGINE_MODELS with scope 'defectzoo'
# would clash with MODELS).
BATCH_AUGMENTS = Registry('batch augment', locations=['defectzoo.models'])

# Task utilities (``models/common/``): ``IgnoreRegionAssigner`` (ignore
# regions out of the loss).
TASK_UTILS = Registry(
    'task util', parent=MMENGINE_TASK_UTILS, locations=['defectzoo.models'])

# Metrics (``evaluation/metrics/``): detection AP, VOC and COCO in one run
# (``XRayDetMetric``), ``OneVsRestAUC``, few-shot episode accuracy
# (``FewShotEpisodeMetric``), pretext loss (``PretextLossMetric``), defect
# IoU (``DefectIoUMetric``), multi-task (``MultiTaskMetric``), GAN quality
# (``GenerativeQualityMetric``), per-image prediction dumps
# (``DumpPredictionsJSON``).
METRICS = Registry(
    'metric', parent=MMENGINE_METRICS, locations=['defectzoo.evaluation'])

# Evaluators (none of defectzoo's own).
EVALUATOR = Registry(
    'evaluator', parent=MMENGINE_EVALUATOR, locations=['defectzoo.evaluation'])

# Visualisers (none of defectzoo's own).
VISUALIZERS = Registry(
    'visualizer',
    parent=MMENGINE_VISUALIZERS,
    locations=['defectzoo.visualization'])

# Visualisation back-ends (none of defectzoo's own).
VISBACKENDS = Registry(
    'vis_backend',
    parent=MMENGINE_VISBACKENDS,
    locations=['defectzoo.visualization'])

# Inferencers (``apis/``): ``DefectClsInferencer``, ``DefectDetInferencer``,
# ``DefectSegInferencer``, ``DefectAuxNetInferencer``,
# ``DefectGalleryInferencer``.
INFERENCERS = Registry(
    'inferencer', parent=MMENGINE_INFERENCERS, locations=['defectzoo.apis'])
