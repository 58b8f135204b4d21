"""Builds the reference gallery of :class:`~defectzoo.models.
SCLArcMarginClassifier` from labelled images (the paper's "reference
database": training-image features, one class per image)."""
from typing import Optional, Union

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from defectzoo.registry import HOOKS
from ...utils.data.splits import k_per_class


def gallery_model(runner):
    """The runner's model, unwrapped, checked to have a gallery."""
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    if not hasattr(model, 'set_gallery'):
        raise TypeError(f'ReferenceGalleryHook needs a model with a reference '
                        f'gallery (e.g. SCLArcMarginClassifier), got '
                        f'{type(model).__name__}')
    return model


@torch.no_grad()
def extract_embeddings(model, dataloader):
    """``(embeddings (M, d), labels (M,))`` of every image of
    ``dataloader`` (the model in eval mode meanwhile)."""
    was_training = model.training
    model.eval()
    embs, labels = [], []
    try:
        for data in dataloader:
            data = model.data_preprocessor(data, False)
            embs.append(model.embed(data['inputs']))
            labels.extend(int(s.gt_label.item()) for s in data['data_samples'])
    finally:
        model.train(was_training)
    if not embs:
        raise ValueError('the gallery dataloader gave no images')
    return torch.cat(embs), torch.tensor(labels, dtype=torch.long)


def choose_references(labels: torch.Tensor,
                      refs_per_class: Optional[int],
                      seed: int = 0) -> torch.Tensor:
    """Indices of at most ``refs_per_class`` images per class, drawn with
    ``seed`` (all images when None)."""
    if refs_per_class is None:
        return torch.arange(labels.numel())
    return torch.tensor(
        k_per_class(labels.tolist(), refs_per_class, seed), dtype=torch.long)


@HOOKS.register_module()
class ReferenceGalleryHook(Hook):
    """Set the model's reference gallery from ``dataloader``'s images.

    It is rebuilt with the current weights before every validation, before
    each checkpoint is saved (so a checkpoint carries the gallery of its own
    weights) and after training, at most once per iteration (the last
    checkpoint, validation and the end of training share one build);
    before testing only when the model has none (a checkpoint without
    one) or ``rebuild_on_test`` -- e.g. to classify against references
    from another folder of images::

        gallery_dataloader = dict(...)   # training images, test pipeline
        custom_hooks = [dict(type='ReferenceGalleryHook')]

    Args:
        dataloader: the labelled reference images with a *test* pipeline
            (usually the training images): a dataloader config, or the name
            of a top-level key of the runner's config that holds one
            (default ``'gallery_dataloader'``, so that ``--cfg-options
            gallery_dataloader...`` reaches it).
        refs_per_class: keep at most this many (random, seeded) references
            per class; None keeps all.
        seed: seed of that choice.
        rebuild_on_test: rebuild before testing even if the checkpoint has a
            gallery.
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 dataloader: Union[dict, str] = 'gallery_dataloader',
                 refs_per_class: Optional[int] = None,
                 seed: int = 0,
                 rebuild_on_test: bool = False):
        self.dataloader_cfg = dataloader
        self.refs_per_class = refs_per_class
        self.seed = seed
        self.rebuild_on_test = rebuild_on_test
        self._dataloader = None
        self._built_at = None  # runner.iter of the last build

    def _refresh(self, runner) -> None:
        """Build unless already built with these weights (same iteration:
        e.g. the last checkpoint, then validation, then the end of
        training)."""
        it = getattr(runner, 'iter', None)
        if it is None or it != self._built_at:
            self.build_gallery(runner)

    def build_gallery(self, runner) -> None:
        model = gallery_model(runner)
        if self._dataloader is None:
            self._dataloader = Runner.build_dataloader(
                self._resolve_cfg(runner), seed=self.seed)
        embs, labels = extract_embeddings(model, self._dataloader)
        keep = choose_references(labels, self.refs_per_class, self.seed)
        model.set_gallery(embs[keep], labels[keep])
        self._built_at = getattr(runner, 'iter', None)
        counts = torch.bincount(labels[keep], minlength=model.num_classes)
        if get_rank() == 0:
            print_log(
                f'reference gallery: {keep.numel()} images, per class '
                f'{counts.tolist()}',
                logger='current')

    def _resolve_cfg(self, runner) -> dict:
        cfg = self.dataloader_cfg
        if isinstance(cfg, str):
            if runner.cfg.get(cfg) is None:
                raise KeyError(
                    f'ReferenceGalleryHook: the config has no {cfg!r} (the '
                    'dataloader of the reference images); define it or pass '
                    'dataloader=dict(...) to the hook')
            cfg = runner.cfg[cfg]
        return cfg

    def before_val_epoch(self, runner) -> None:
        self._refresh(runner)

    def before_test_epoch(self, runner) -> None:
        if self.rebuild_on_test or not gallery_model(runner).has_gallery:
            self.build_gallery(runner)

    def after_train(self, runner) -> None:
        self._refresh(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        self._refresh(runner)
        model = gallery_model(runner)
        state = checkpoint['state_dict']
        state['gallery_embeddings'] = model.gallery_embeddings.cpu()
        state['gallery_labels'] = model.gallery_labels.cpu()
