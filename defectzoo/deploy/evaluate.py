"""Evaluate an exported / quantised classifier (a plain callable: image
tensor in, class scores out) or detector (image in, boxes, scores, labels
out) with a config's test dataloader and evaluator, i.e. the metric
``tools/test.py`` reports."""
import copy
from typing import Callable, Iterator, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmengine.runner import Runner


def _stack(inputs) -> torch.Tensor:
    if isinstance(inputs, torch.Tensor):
        return inputs.float()
    return torch.stack(list(inputs)).float()


def with_pipeline(dataset_cfg: dict, pipeline: list) -> dict:
    """``dataset_cfg`` with every ``pipeline`` (also in wrapped datasets)
    replaced by ``pipeline``."""
    dataset_cfg = copy.deepcopy(dataset_cfg)
    stack = [dataset_cfg]
    while stack:
        node = stack.pop()
        if 'pipeline' in node:
            node['pipeline'] = copy.deepcopy(pipeline)
        stack += [v for v in node.values() if isinstance(v, dict)]
    return dataset_cfg


def calibration_batches(cfg: Config,
                        num_images: int,
                        batch_size: int = 16,
                        seed: int = 0) -> Iterator[torch.Tensor]:
    """``num_images`` training images (a seeded random draw) through the
    *test* pipeline (no augmentation), as float image batches."""
    if cfg.get('train_dataloader') is None:
        raise ValueError(f'{cfg.filename}: no train_dataloader to draw '
                         'calibration images from')
    pipeline = cfg.test_dataloader.dataset.get('pipeline') or \
        find_pipeline(cfg.test_dataloader.dataset)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'defectzoo')):
        dataset = Runner.build_dataloader(
            dict(
                cfg.train_dataloader,
                batch_size=1,
                num_workers=0,
                persistent_workers=False,
                dataset=with_pipeline(cfg.train_dataloader.dataset, pipeline),
                sampler=dict(type='DefaultSampler', shuffle=False))).dataset
    order = torch.randperm(
        len(dataset), generator=torch.Generator().manual_seed(seed))
    order = order[:num_images].tolist()
    for start in range(0, len(order), batch_size):
        yield torch.stack([
            dataset[i]['inputs'] for i in order[start:start + batch_size]
        ]).float()


def find_pipeline(dataset_cfg: dict) -> Optional[list]:
    for value in dataset_cfg.values():
        if isinstance(value, dict):
            found = value.get('pipeline') or find_pipeline(value)
            if found:
                return found
    return None


def class_names(model, cfg: Config) -> Optional[list]:
    """The checkpoint's class names, else the test / val / train
    dataset's (``metainfo.classes``), else None."""
    classes = (getattr(model, 'dataset_meta', None) or {}).get('classes')
    for key in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        data = (cfg.get(key) or {}).get('dataset') or {}
        classes = classes or (data.get('metainfo') or {}).get('classes')
    return list(classes) if classes else None


def _test_loader(cfg: Config):
    """``cfg``'s test dataloader (in this process) and evaluator."""
    if cfg.get('test_dataloader') is None or \
            cfg.get('test_evaluator') is None:
        raise ValueError(f'{cfg.filename}: needs test_dataloader and '
                         'test_evaluator to measure accuracy')
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'defectzoo')):
        loader = Runner.build_dataloader(
            dict(cfg.test_dataloader, num_workers=0, persistent_workers=False))
        evaluator = Evaluator(cfg.test_evaluator)
    evaluator.dataset_meta = getattr(loader.dataset, 'metainfo', None)
    return loader, evaluator


@torch.no_grad()
def evaluate_classifier(predict: Callable[[torch.Tensor], torch.Tensor],
                        cfg: Config) -> dict:
    """Metrics of ``predict`` (``(N, 3, H, W)`` float image, 0-255 ->
    ``(N, C)`` scores) on ``cfg``'s test set, by ``cfg.test_evaluator``
    (for Defect-Aux-Net: the ``cls/`` metrics of its ``MultiTaskMetric``)."""
    loader, evaluator = _test_loader(cfg)
    for batch in loader:
        scores = predict(_stack(batch['inputs']))
        samples = batch['data_samples']
        for sample, score in zip(samples, scores):
            if hasattr(sample, 'set_pred_score'):  # mmpretrain DataSample
                sample.set_pred_score(score).set_pred_label(score.argmax())
            else:  # Defect-Aux-Net's DetDataSample: its cls metrics only
                sample.pred_score = score
                sample.pred_label = score.argmax()[None]
        evaluator.process(data_samples=samples, data_batch=batch)
    return evaluator.evaluate(len(loader.dataset))


def fit_image(image: torch.Tensor, shape: Sequence[int],
              fill: Sequence[float]) -> torch.Tensor:
    """``(3, h, w)`` image padded at the bottom / right to ``shape`` with
    ``fill`` per channel (a detector's mean: zeros once normalised, as
    mmdet pads)."""
    h, w = image.shape[-2:]
    if h > shape[0] or w > shape[1]:
        raise ValueError(f'a {h}x{w} image does not fit the graph\'s '
                         f'{shape[0]}x{shape[1]} input: export with a '
                         'larger --shape')
    out = torch.tensor(
        fill, dtype=torch.float32).reshape(-1, 1, 1).repeat(1, *shape)
    out[:, :h, :w] = image
    return out


@torch.no_grad()
def evaluate_detector(detect: Callable, cfg: Config, shape: Sequence[int],
                      fill: Sequence[float]) -> dict:
    """Metrics of ``detect`` (``(1, 3, H, W)`` float32 array, 0-255 ->
    ``boxes, scores, labels`` arrays, e.g. an ONNX Runtime session's run)
    on ``cfg``'s test set by ``cfg.test_evaluator``.

    Each image is padded to the graph's ``shape`` (:func:`fit_image`); the
    boxes are clipped to the image and scaled back to the original image
    (its ``scale_factor``), as mmdet's ``predict(rescale=True)``.
    """
    from mmengine.structures import InstanceData
    loader, evaluator = _test_loader(cfg)
    for batch in loader:
        for image, sample in zip(batch['inputs'], batch['data_samples']):
            boxes, scores, labels = (
                torch.from_numpy(a) for a in detect(
                    fit_image(image.float(), shape, fill)[None].numpy()))
            h, w = image.shape[-2:]
            boxes = torch.stack([
                boxes[:, 0].clamp(0, w), boxes[:, 1].clamp(0, h),
                boxes[:, 2].clamp(0, w), boxes[:, 3].clamp(0, h)
            ], 1)
            sx, sy = sample.metainfo.get('scale_factor', (1., 1.))[:2]
            sample.pred_instances = InstanceData(
                bboxes=boxes / boxes.new_tensor([sx, sy, sx, sy]),
                scores=scores,
                labels=labels)
        evaluator.process(data_samples=batch['data_samples'], data_batch=batch)
    return evaluator.evaluate(len(loader.dataset))
