"""Rebuild the reference gallery of a gallery classifier from a folder.

``SCLArcMarginClassifier`` classifies by mean cosine similarity to reference
images whose embeddings are saved in the checkpoint. This tool embeds the
images of ``--folder`` (one sub-folder per class, named as the classes of
the checkpoint) with the checkpoint's weights and writes a *new* checkpoint
with that gallery -- e.g. to add references taken on a new line, or to use
all labelled images instead of the training draw. The input checkpoint is
never modified; an existing ``--out`` is refused. Examples::

    python tools/misc/build_gallery.py CONFIG epoch_30.pth \\
        --folder refs/ --out epoch_30_refs.pth
    python tools/misc/build_gallery.py CONFIG epoch_30.pth \\
        --folder refs/ --refs-per-class 20 --out epoch_30_refs20.pth
    python tools/test.py CONFIG epoch_30_refs.pth
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict

from defectzoo.engine.hooks.reference_gallery_hook import (choose_references,
                                                           extract_embeddings)
from defectzoo.registry import MODELS
from defectzoo.utils.data_root import set_data_root
from .config_options import add_config_args, check_cfg_options
from .errors import reporting_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Rebuild the reference gallery of a checkpoint from a '
        'folder of labelled images',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--folder', required=True, help='<folder>/<class name>/<images>')
    parser.add_argument('--out', required=True, help='new checkpoint file')
    parser.add_argument(
        '--classes',
        nargs='+',
        help='class names in label order (default: the '
        "checkpoint's meta.dataset_meta.classes)")
    parser.add_argument(
        '--refs-per-class',
        type=int,
        help='at most this many random references per class')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=32)
    add_config_args(parser)
    return parser.parse_args(argv)


def checkpoint_classes(checkpoint: dict, given):
    if given:
        return list(given)
    classes = checkpoint.get('meta', {}).get('dataset_meta', {}).get('classes')
    if not classes:
        raise SystemExit('the checkpoint does not record its classes '
                         '(meta.dataset_meta.classes): pass --classes')
    return list(classes)


def folder_dataloader(cfg, folder: str, batch_size: int) -> dict:
    """A dataloader of ``folder`` with the config's test pipeline."""
    pipeline = cfg.test_dataloader.dataset.get('pipeline')
    if pipeline is None:
        raise SystemExit('the config has no test_dataloader.dataset.pipeline')
    return dict(
        batch_size=batch_size,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        dataset=dict(
            type='ImageFolderClsDataset',
            data_root=folder,
            data_prefix='',
            pipeline=pipeline))


def remap_labels(labels, folder_classes, classes, folder):
    """Folder-class indices -> the checkpoint's class indices."""
    unknown = [c for c in folder_classes if c not in classes]
    if unknown:
        raise SystemExit(f'{folder}: sub-folder(s) {unknown} are not classes '
                         f'of the checkpoint {classes}')
    table = torch.tensor([classes.index(c) for c in folder_classes])
    return table[labels]


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    if osp.exists(args.out):
        raise SystemExit(f'{args.out} exists: choose another --out (the '
                         'tool never overwrites a file)')
    if not osp.isdir(args.folder):
        raise SystemExit(f'{args.folder}: no such folder')
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    check_cfg_options(cfg, args.cfg_options)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    model = MODELS.build(cfg.model)
    if not hasattr(model, 'set_gallery'):
        raise SystemExit(f'{type(model).__name__} has no reference gallery')
    checkpoint = _load_checkpoint(args.checkpoint, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    load_state_dict(model, state, strict=False)
    classes = checkpoint_classes(checkpoint, args.classes)

    loader = Runner.build_dataloader(
        folder_dataloader(cfg, args.folder, args.batch_size), seed=args.seed)
    embs, labels = extract_embeddings(model, loader)
    labels = remap_labels(labels, list(loader.dataset.metainfo['classes']),
                          classes, args.folder)
    keep = choose_references(labels, args.refs_per_class, args.seed)
    model.set_gallery(embs[keep], labels[keep])
    state['gallery_embeddings'] = model.gallery_embeddings.cpu()
    state['gallery_labels'] = model.gallery_labels.cpu()
    if 'state_dict' not in checkpoint:
        checkpoint = dict(state_dict=state)
    meta = checkpoint.setdefault('meta', {})
    if args.classes:  # new class names: what inference will report
        old = meta.get('dataset_meta') or {}
        meta['dataset_meta'] = dict(
            {
                k: v
                for k, v in old.items() if k != 'palette'
            },
            classes=tuple(classes))
        if old.get('classes') and list(old['classes']) != classes:
            print(f'class names: {list(old["classes"])} -> {classes}')
    meta['gallery'] = dict(
        folder=osp.abspath(args.folder),
        source=args.checkpoint,
        refs_per_class=args.refs_per_class,
        seed=args.seed)
    counts = torch.bincount(labels[keep], minlength=len(classes)).tolist()
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    torch.save(checkpoint, args.out)
    print(f'gallery of {keep.numel()} images '
          f'({dict(zip(classes, counts))}) -> {args.out}')
    return args.out


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
