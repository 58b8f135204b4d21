"""Evaluate an exported / quantised classifier (a plain callable: image
tensor in, class scores out) with a config's test dataloader and
evaluator, i.e. the metric ``tools/test.py`` reports."""
import copy
from typing import Callable, Iterator, Optional

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


@torch.no_grad()
def evaluate_classifier(predict: Callable[[torch.Tensor], torch.Tensor],
                        cfg: Config) -> dict:
    """Metrics of ``predict`` (``(N, 3, H, W)`` float image, 0-255 ->
    ``(N, C)`` scores) on ``cfg``'s test set, by ``cfg.test_evaluator``
    (for Defect-Aux-Net: the ``cls/`` metrics of its ``MultiTaskMetric``)."""
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
