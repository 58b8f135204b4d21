"""What every defectzoo inferencer adds to its OpenMMLab parent.

The parents (mmpretrain's ``ImageClassificationInferencer``, mmdet's
``DetInferencer``, mmseg's ``MMSegInferencer``) build the model, the
pipeline, the collate function and the visualiser; this mixin makes them
work on defectzoo configs and adds what an inspection needs:

- configs in the ``defectzoo`` scope (``default_scope`` and
  ``custom_imports`` of the config are honoured, so ``MVGG19`` & co. build);
- a model-zoo name instead of a config (``zoo://`` weights, verified);
- weights that do not fit the config are refused, naming the keys;
- the test pipeline's loader (``LoadImageChecked``, ``LoadXRayImage``, ...)
  reads paths and numpy arrays (8/16-bit) alike;
- per-image results with a verdict (``OK`` / ``defect``; the one threshold
  is :data:`DEFAULT_SCORE_THR`, overridable per inferencer), unreadable
  images reported and skipped instead of stopping the run, and the
  out-of-distribution distance when the checkpoint carries OOD statistics.

A new model family (e.g. Defect-Aux-Net) is a subclass of the inferencer
of its task that overrides :meth:`pred_to_dict` (and ``model_types``).

:class:`MMEngineLoadingMixin` is what the mmengine-based parents (mmdet,
mmseg) need besides: construction on a defectzoo config and the
``BaseInferencer`` hooks (weights, collate function) done the defectzoo way.
"""
import copy
import os.path as osp
from datetime import datetime
from typing import (Callable, Dict, Iterator, List, Optional, Sequence, Tuple,
                    Union)

import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DATASETS, VISUALIZERS, init_default_scope
from mmengine.runner import CheckpointLoader
from mmengine.utils import import_modules_from_strings
from rich.progress import track

from defectzoo.datasets.transforms.inference_loading import LOADING_TRANSFORMS
from defectzoo.models.ood import (FeatureCapture, NearestNeighbourOOD,
                                  feature_module)
from defectzoo.utils.checkpoint import check_checkpoint_fits
from defectzoo.utils.classes_from_data import set_classes_from_data
from defectzoo.utils.data.validation import InvalidDataError
from defectzoo.utils.zoo import SCHEME, get_model_info
from . import inspection
from .inputs import IMG_EXTENSIONS  # noqa: F401 (its former home)
from .inputs import InputType, collect_inputs

#: The one threshold of the verdict: an image is ``defect`` when its defect
#: score (classification: 1 - P(OK classes); detection: highest box score;
#: segmentation: highest per-pixel defect probability) reaches it.
DEFAULT_SCORE_THR = 0.5
#: Class names that mean "no defect" (case-insensitive).
OK_CLASS_NAMES = ('ok', 'good', 'normal', 'free', 'background', 'none',
                  'no_defect', 'non_defective', 'defect_free')
# annotation loading, and what derives targets from annotations
ANNOTATION_TRANSFORMS = ('LoadAnnotations', 'LoadDefectMask',
                         'MaskToInstances')


def resolve_model(model: Union[str, Config, dict],
                  weights: Optional[str]) -> Tuple[Config, Optional[str]]:
    """``(config, weights)`` from a config path, a Config or a zoo name
    (``NAME`` or ``zoo://NAME``: its config, and ``zoo://NAME`` weights
    unless ``weights`` is given)."""
    if isinstance(model, (Config, ConfigDict, dict)):
        cfg = copy.deepcopy(
            model if isinstance(model, Config) else Config(dict(model)))
    elif isinstance(model, str) and osp.isfile(model):
        cfg = Config.fromfile(model)
    elif isinstance(model, str) and not model.endswith('.py'):
        info = get_model_info(model)  # ZooError with the nearest names
        cfg = Config.fromfile(info.config)
        weights = weights or f'{SCHEME}{info.name}'
    else:
        raise FileNotFoundError(f'config file {model} not found')
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    if weights is not None:  # num_classes='from_data': the checkpoint's
        set_classes_from_data(cfg, weights, verbose=False)
    return cfg, weights


def inference_pipeline(pipeline_cfg: Sequence[dict]) -> List[dict]:
    """The test pipeline for inference: the loader wrapped in
    ``LoadInferenceImage`` (paths and arrays), annotation loading dropped,
    ``img_id`` out of the packed meta keys."""
    out = []
    for t in copy.deepcopy(list(pipeline_cfg)):
        t = dict(t)
        if any(t['type'].endswith(d) for d in ANNOTATION_TRANSFORMS):
            continue
        if 'meta_keys' in t:
            t['meta_keys'] = tuple(k for k in t['meta_keys'] if k != 'img_id')
        out.append(t)
    idx = [i for i, t in enumerate(out) if t['type'] in LOADING_TRANSFORMS]
    if not idx:
        raise ValueError(
            'the test pipeline has no image-loading transform (one of '
            f'{", ".join(LOADING_TRANSFORMS)}): {[t["type"] for t in out]}')
    out[idx[0]] = dict(type='defectzoo.LoadInferenceImage', loader=out[idx[0]])
    return out


class DefectInferencerMixin:
    """Shared behaviour of the defectzoo inferencers (see module doc).

    The arguments of every inferencer:

    Args:
        model: config path, Config or zoo name.
        weights: checkpoint path, URL or ``zoo://NAME`` (a zoo name's own
            weights by default).
        device: e.g. ``'cpu'``.
        score_thr: verdict threshold (default :data:`DEFAULT_SCORE_THR`).
        ok_classes: class names meaning "no defect".
    """

    task: str = ''
    #: model classes this inferencer handles (checked by ``init_inferencer``)
    model_types: Tuple[type, ...] = ()
    #: takes ``tile`` / ``overlap`` (sliced inference of large images)
    supports_tiling: bool = False

    # ---- construction -------------------------------------------------------
    def _setup_defect(self, score_thr: Optional[float],
                      ok_classes: Optional[Sequence[str]],
                      meta: Optional[dict]) -> None:
        self.score_thr = DEFAULT_SCORE_THR if score_thr is None else \
            float(score_thr)
        self.ok_classes = tuple(
            c.lower()
            for c in (OK_CLASS_NAMES if ok_classes is None else ok_classes))
        self.ood = NearestNeighbourOOD.from_meta(
            meta, str(getattr(self, 'weights', None) or 'the checkpoint'))
        self._capture = FeatureCapture(feature_module(self.model))
        self._display_loader = Compose([self._loader_cfg
                                        ]) if self._loader_cfg else None

    def _load_checked(self, model: torch.nn.Module, checkpoint: dict,
                      source: str) -> None:
        """Refuse a checkpoint that does not fit, then load it."""
        state_dict = checkpoint.get('state_dict', checkpoint)
        check_checkpoint_fits(model, state_dict, source)
        state_dict = {
            k[7:] if k.startswith('module.') else k: v
            for k, v in state_dict.items()
        }
        model.load_state_dict(state_dict, strict=True)

    def _init_pipeline(self, cfg) -> Compose:
        return Compose(self._inference_pipeline_cfg(cfg))

    def _inference_pipeline_cfg(self, cfg) -> List[dict]:
        steps = inference_pipeline(cfg.test_dataloader.dataset.pipeline)
        self._loader_cfg = next(t for t in steps
                                if t['type'].endswith('LoadInferenceImage'))
        return steps

    @property
    def class_names(self) -> Tuple[str, ...]:
        meta = getattr(self.model, 'dataset_meta', None) or getattr(
            self.model, '_dataset_meta', None) or {}
        return tuple(meta.get('classes') or ())

    # ---- inputs -------------------------------------------------------------
    @staticmethod
    def collect_inputs(inputs,
                       recursive: Optional[bool] = None,
                       **kwargs) -> List[Tuple[str, InputType]]:
        """``(name, source)`` per image: files, folders (sorted, image
        extensions; class sub-folders searched), numpy arrays
        (``array_0000``, ...); see :func:`.inputs.collect_inputs`."""
        return collect_inputs(inputs, recursive, **kwargs)

    def _pipeline_input(self, name: str, src: InputType) -> dict:
        if isinstance(src, np.ndarray):
            return dict(img=src, img_path=name)
        return dict(img_path=src)

    def display_image(self, name: str, src: InputType) -> np.ndarray:
        """The image as the model saw it before resizing (8-bit RGB):
        X-ray windowing applied, grey replicated."""
        img = self._display_loader(self._pipeline_input(name, src))['img']
        img = np.asarray(img).astype(np.uint8)
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        return np.ascontiguousarray(img[..., ::-1])

    # ---- running ------------------------------------------------------------
    def run(self,
            inputs,
            batch_size: int = 1,
            show_progress: bool = True,
            visualize: Optional[Callable[[dict, np.ndarray], None]] = None,
            recursive: Optional[bool] = None) -> Dict[str, list]:
        """Predict every image, ``batch_size`` per forward pass (sliced
        detection: windows); returns ``dict(predictions=[...],
        skipped=[{'input', 'error'}])``. ``visualize(result, overlay)`` is
        called per image with the visualiser's overlay (RGB) when given."""
        out = dict(predictions=[], skipped=[])
        for res in self.iter_run(
                self.collect_inputs(inputs, recursive), batch_size,
                show_progress, visualize):
            out['skipped' if 'error' in res else 'predictions'].append(res)
        return out

    @torch.no_grad()
    def iter_run(
        self,
        items: Sequence[Tuple[str, InputType]],
        batch_size: int = 1,
        show_progress: bool = True,
        visualize: Optional[Callable[[dict, np.ndarray], None]] = None
    ) -> Iterator[dict]:
        """:meth:`run` on :meth:`collect_inputs` ``items``, yielding each
        image's result as soon as it is predicted (an unreadable image:
        ``{'input', 'error'}``)."""
        chunks = [
            items[i:i + batch_size] for i in range(0, len(items), batch_size)
        ]
        for chunk in track(
                chunks, description='Inference', disable=not show_progress):
            data, ok = [], []
            for name, src in chunk:
                try:
                    data.append(self.prepare(name, src))
                    ok.append((name, src))
                except (InvalidDataError, OSError, ValueError) as exc:
                    yield dict(input=name, error=str(exc))
            if not data:
                continue
            preds, scores = self.predict_prepared(data, batch_size)
            for i, ((name, src), pred) in enumerate(zip(ok, preds)):
                res = dict(input=name, task=self.task)
                res.update(self.pred_to_dict(pred))
                res['verdict'] = 'defect' if res['defect_score'] >= \
                    self.score_thr else 'OK'
                if scores is not None:
                    res['ood'] = dict(
                        score=round(scores[i], 3),
                        threshold=round(self.ood.threshold, 3),
                        flag=bool(scores[i] > self.ood.threshold))
                if visualize is not None:
                    visualize(
                        res,
                        self.draw(
                            self.display_image(name, src), pred,
                            osp.basename(name)))
                yield res

    def inspect(self, inputs, out_dir: str, **kwargs) -> dict:
        """:meth:`run` plus overlays, ``results.jsonl`` (streamed),
        ``results.json``, ``summary.csv`` and the HTML report in
        ``out_dir`` (what ``tools/infer.py`` writes; see
        :func:`.inspection.inspect`)."""
        return inspection.inspect(self, inputs, out_dir, **kwargs)

    def features(self,
                 inputs,
                 batch_size: int = 8,
                 show_progress: bool = False) -> np.ndarray:
        """(N, C) pooled backbone features of readable ``inputs`` (what the
        OOD statistics are fitted on); unreadable images raise."""
        out = []
        items = self.collect_inputs(inputs)
        for i in track(
                range(0, len(items), batch_size),
                description='Features',
                disable=not show_progress):
            data = [
                self.pipeline(self._pipeline_input(n, s))
                for n, s in items[i:i + batch_size]
            ]
            with torch.no_grad():
                self.model.test_step(self.collate(data))
            out.append(self._capture.pop().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0))

    def prepare(self, name: str, src: InputType):
        """The model input of one image (the test pipeline's output)."""
        return self.pipeline(self._pipeline_input(name, src))

    def predict_prepared(
            self,
            data: list,
            batch_size: int = 1) -> Tuple[list, Optional[List[float]]]:
        """Predictions and OOD scores (None without OOD statistics) of the
        :meth:`prepare` outputs ``data``, in one forward pass."""
        preds = self.model.test_step(self.collate(data))
        return preds, self.ood_scores(self._capture.pop())

    def ood_scores(self,
                   feats: Optional[torch.Tensor]) -> Optional[List[float]]:
        """OOD scores of pooled features (None without statistics)."""
        return None if self.ood is None or feats is None else \
            self.ood.score(feats).tolist()

    # ---- per task -----------------------------------------------------------
    def collate(self, data: list):
        return self.collate_fn(data)

    def pred_to_dict(self, pred) -> dict:
        """``defect_score`` plus the task's fields (class, boxes, mask)."""
        raise NotImplementedError

    def draw(self, image: np.ndarray, pred, name: str) -> np.ndarray:
        """The library visualiser's overlay of ``pred`` on ``image``."""
        raise NotImplementedError


def scoped(cfg) -> str:
    """Make the config's ``default_scope`` current (defectzoo by default);
    return its name."""
    scope = cfg.get('default_scope', 'defectzoo')
    init_default_scope(scope)
    return scope


def load_checkpoint_dict(weights: str) -> dict:
    """The checkpoint dict of a path, URL or ``zoo://`` name (safe
    loaders)."""
    return CheckpointLoader.load_checkpoint(weights, map_location='cpu')


def dataset_metainfo(cfg) -> dict:
    """``METAINFO`` of the test dataset's class (not built: building may
    read or even generate data)."""
    try:
        ds_type = cfg.test_dataloader.dataset.type
        return dict(getattr(DATASETS.get(ds_type), 'METAINFO', {}) or {})
    except Exception:  # no test dataloader / unknown type
        return {}


def dataset_meta_of(checkpoint: Optional[dict], cfg) -> dict:
    """The model's ``dataset_meta`` (keys lower-case): the checkpoint's,
    completed by the test dataset class's ``METAINFO``."""
    meta = dict((checkpoint or {}).get('meta', {}).get('dataset_meta') or {})
    meta = {k.lower(): v for k, v in meta.items()}
    for k, v in dataset_metainfo(cfg).items():
        meta.setdefault(k.lower(), v)
    return meta


def new_visualizer(cfg_type: str, name_prefix: str, **kwargs):
    """A new visualiser instance of ``cfg_type`` (a unique name: mmengine
    keeps visualisers by name)."""
    return VISUALIZERS.build(
        dict(
            type=cfg_type,
            name=f'{name_prefix}-{datetime.now().timestamp()}',
            **kwargs))


class MMEngineLoadingMixin:
    """Construction of the mmengine-based inferencers (mmdet, mmseg) on a
    defectzoo config or zoo name, and their ``BaseInferencer`` hooks:
    :meth:`_load_with_meta` for ``_load_weights_to_model`` (checked
    loading, dataset meta from the checkpoint / dataset class, OOD
    statistics kept for ``_setup_defect``) and ``_init_collate``.
    Arguments: see :class:`DefectInferencerMixin`.
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
        model.dataset_meta = dataset_meta_of(checkpoint, cfg)
        return model.dataset_meta

    def _init_collate(self, cfg):
        # mmengine's looks ``test_dataloader.collate_fn`` up by name and
        # raises on the ``dict(type=...)`` form of the configs
        return pseudo_collate
