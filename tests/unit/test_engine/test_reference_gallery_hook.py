"""ReferenceGalleryHook: choosing references, building the gallery from a
dataloader of NEU-format images, the checkpoint keys, resolving the
dataloader config and when the gallery is rebuilt."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope

from defectzoo.engine.hooks.reference_gallery_hook import (
    ReferenceGalleryHook, choose_references, extract_embeddings, gallery_model)
from defectzoo.registry import HOOKS, MODELS
from tests.conftest import CONFIGS
from tests.helpers.defect_fixtures import make_neu

PER_CLASS = 3  # NEU fixture images per class (6 classes)
DIM = 16


@pytest.fixture(scope='module')
def neu_root(tmp_path_factory):
    return make_neu(str(tmp_path_factory.mktemp('neu')), per_class=PER_CLASS)


def loader_cfg(root, batch_size=4):
    """Every fixture image (no split) with a test pipeline."""
    return dict(
        batch_size=batch_size,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        dataset=dict(
            type='NEUClsDataset',
            data_root=root,
            split=None,
            pipeline=[
                dict(type='LoadImageChecked'),
                dict(type='mmpretrain.Resize', scale=(32, 32)),
                dict(type='mmpretrain.PackInputs')
            ]))


def build_model(seed=0):
    cfg = Config.fromfile(
        osp.join(CONFIGS, '_base_', 'models', 'scl-arcmargin_resnet50.py'))
    cfg.model.backbone.depth = 18
    cfg.model.neck.update(in_channels=512, hid_channels=32, out_channels=DIM)
    cfg.model.head.in_channels = DIM
    init_default_scope('defectzoo')
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


@pytest.fixture(scope='module')
def model():
    return build_model()


def fake_runner(model, **cfg):
    return SimpleNamespace(model=model, cfg=Config(cfg))


# ------------------------------------------------------- choose_references --
def test_choose_references():
    labels = torch.tensor([0, 1, 2, 0, 1, 0, 0, 2, 1, 0])  # 5 / 3 / 2
    assert choose_references(labels, None).tolist() == list(range(10))
    keep = choose_references(labels, 2, seed=0)
    assert keep.tolist() == sorted(keep.tolist())
    assert torch.bincount(labels[keep]).tolist() == [2, 2, 2]
    assert torch.equal(keep, choose_references(labels, 2, seed=0))
    # at most refs_per_class: a class with fewer keeps all of its images
    keep = choose_references(labels, 4, seed=3)
    assert torch.bincount(labels[keep]).tolist() == [4, 3, 2]
    assert len(set(keep.tolist())) == keep.numel()
    # the seed picks which ones
    draws = {
        tuple(choose_references(labels, 1, seed=s).tolist())
        for s in range(10)
    }
    assert len(draws) > 1
    for draw in draws:
        assert sorted(labels[list(draw)].tolist()) == [0, 1, 2]


# ---------------------------------------------------- building the gallery --
def test_hook_sets_the_gallery_from_the_dataloader(model, neu_root):
    hook = ReferenceGalleryHook(dataloader=loader_cfg(neu_root))
    runner = fake_runner(model)
    model.train()
    hook.before_val_epoch(runner)
    assert model.training  # put back in training mode
    assert model.has_gallery
    assert model.gallery_embeddings.shape == (6 * PER_CLASS, DIM)
    assert sorted(model.gallery_labels.tolist()) == sorted(
        list(range(6)) * PER_CLASS)
    torch.testing.assert_close(
        model.gallery_embeddings.norm(dim=1), torch.ones(6 * PER_CLASS))
    # the embeddings are the model's (eval mode) of those images
    embs, labels = extract_embeddings(model, hook._dataloader)
    torch.testing.assert_close(model.gallery_embeddings, embs)
    assert torch.equal(model.gallery_labels, labels)
    # the gallery classifies its own images through the model
    model.eval()
    batch = next(iter(hook._dataloader))
    data = model.data_preprocessor(batch, False)
    preds = model(**data, mode='predict')
    assert len(preds) == 4 and all('pred_label' in p for p in preds)

    # at most refs_per_class images per class
    hook = ReferenceGalleryHook(
        dataloader=loader_cfg(neu_root), refs_per_class=2, seed=1)
    hook.after_train(runner)
    assert model.gallery_labels.bincount().tolist() == [2] * 6


def test_extract_embeddings_restores_the_mode_and_refuses_no_images(model):
    model.train()
    with pytest.raises(ValueError, match='no images'):
        extract_embeddings(model, [])
    assert model.training
    model.eval()
    with pytest.raises(ValueError, match='no images'):
        extract_embeddings(model, [])
    assert not model.training


def test_before_save_checkpoint_writes_the_gallery(model, neu_root):
    hook = ReferenceGalleryHook(
        dataloader=loader_cfg(neu_root), refs_per_class=1)
    model.set_gallery(torch.randn(2, DIM), torch.tensor([0, 1]))  # stale
    checkpoint = dict(state_dict={
        k: v.cpu()
        for k, v in model.state_dict().items()
    })
    hook.before_save_checkpoint(fake_runner(model), checkpoint)
    state = checkpoint['state_dict']
    # rebuilt with the current weights: one per class, not the stale two
    assert state['gallery_embeddings'].shape == (6, DIM)
    assert state['gallery_labels'].tolist() == model.gallery_labels.tolist()
    assert sorted(state['gallery_labels'].tolist()) == list(range(6))
    torch.testing.assert_close(state['gallery_embeddings'],
                               model.gallery_embeddings)
    # such a state dict loads into a fresh model with its gallery
    fresh = build_model(seed=1)
    fresh.load_state_dict(state)
    torch.testing.assert_close(fresh.gallery_embeddings,
                               model.gallery_embeddings)


# -------------------------------------------------- dataloader resolution --
def test_dataloader_from_a_config_key(model, neu_root):
    runner = fake_runner(model, my_gallery=loader_cfg(neu_root, 2))
    hook = ReferenceGalleryHook(dataloader='my_gallery')
    hook.after_train(runner)
    assert model.gallery_labels.numel() == 6 * PER_CLASS
    assert hook._dataloader.batch_size == 2
    # built once, reused afterwards
    first = hook._dataloader
    hook.before_val_epoch(runner)
    assert hook._dataloader is first

    # the default key
    hook = ReferenceGalleryHook()
    assert hook.dataloader_cfg == 'gallery_dataloader'
    hook.after_train(
        fake_runner(model, gallery_dataloader=loader_cfg(neu_root)))
    assert hook._dataloader.batch_size == 4


def test_missing_config_key_is_a_clear_error(model):
    hook = ReferenceGalleryHook()
    with pytest.raises(KeyError, match='gallery_dataloader'):
        hook.after_train(fake_runner(model))
    with pytest.raises(KeyError, match='other_key'):
        ReferenceGalleryHook('other_key').after_train(
            fake_runner(model, gallery_dataloader=dict()))


def test_model_without_gallery_is_refused(neu_root):
    runner = SimpleNamespace(model=nn.Linear(2, 2), cfg=Config())
    with pytest.raises(TypeError, match='SCLArcMarginClassifier'):
        gallery_model(runner)
    with pytest.raises(TypeError, match='Linear'):
        ReferenceGalleryHook(loader_cfg(neu_root)).before_test_epoch(runner)


# ------------------------------------------------------- when it rebuilds --
class Counting(ReferenceGalleryHook):
    calls = 0

    def build_gallery(self, runner):
        self.calls += 1
        super().build_gallery(runner)


def test_before_test_epoch_rebuilds_only_when_needed(neu_root):
    model = build_model(seed=2)
    runner = fake_runner(model)
    hook = Counting(loader_cfg(neu_root))
    # a checkpoint without a gallery: built
    hook.before_test_epoch(runner)
    assert hook.calls == 1 and model.has_gallery
    # a gallery from the checkpoint: kept as it is
    refs = torch.eye(6, DIM)
    model.set_gallery(refs, torch.arange(6))
    hook.before_test_epoch(runner)
    assert hook.calls == 1
    torch.testing.assert_close(model.gallery_embeddings, refs)
    # unless asked to
    hook = Counting(loader_cfg(neu_root), rebuild_on_test=True)
    hook.before_test_epoch(runner)
    assert hook.calls == 1
    assert model.gallery_embeddings.shape == (6 * PER_CLASS, DIM)
    # validation, checkpoints and the end of training always rebuild
    hook.before_val_epoch(runner)
    hook.after_train(runner)
    hook.before_save_checkpoint(runner, dict(state_dict={}))
    assert hook.calls == 4


def test_registered_with_a_priority():
    hook = HOOKS.build(
        dict(type='ReferenceGalleryHook', refs_per_class=5, seed=3))
    assert isinstance(hook, ReferenceGalleryHook)
    assert (hook.refs_per_class, hook.seed) == (5, 3)
    assert hook.priority == 'ABOVE_NORMAL'
