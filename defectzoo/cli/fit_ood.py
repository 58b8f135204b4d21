"""Fit the out-of-distribution statistics of a model and store them in its
checkpoint (``meta['ood']``), for the inferencers' OOD flag.

Features: the pooled backbone features of the training images (the config's
``train_dataloader.dataset``, read with the *test* pipeline). A seeded
``--calib-fraction`` of them is held out: the rest form the nearest-neighbour
memory bank, the held-out images set the view scales and the threshold (the
``--quantile`` of their scores; see ``defectzoo.models.ood``)::

    python tools/misc/fit_ood.py CONFIG CKPT --out CKPT_OOD.pth \\
        [--max-images 1500] [--calib-fraction 0.2] [--quantile 0.99] [--k 1]

Then publish ``CKPT_OOD.pth`` (``tools/misc/publish_model.py``).
"""
import argparse

import numpy as np
import torch
from mmengine.runner.checkpoint import CheckpointLoader

from defectzoo.apis import init_inferencer, load_config
from defectzoo.deploy.evaluate import with_pipeline
from defectzoo.models.ood import META_KEY, NearestNeighbourOOD, split_fit_calib
from .config_options import add_config_args
from .errors import reporting_errors


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config')
    p.add_argument('checkpoint', help='path or zoo://NAME')
    p.add_argument('--out', required=True, help='checkpoint with meta.ood')
    p.add_argument(
        '--max-images',
        type=int,
        default=1500,
        help='training images used (seeded subset; the bank holds '
        '1 - calib-fraction of them)')
    p.add_argument('--calib-fraction', type=float, default=0.2)
    p.add_argument('--quantile', type=float, default=0.99)
    p.add_argument('--k', type=int, default=1, help='k-th nearest neighbour')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--batch-size', type=int, default=16)
    add_config_args(p)
    return p.parse_args(argv)


def training_images(cfg) -> list:
    """Image paths of the config's training set."""
    from mmengine.registry import DATASETS

    # no pipeline, also inside wrappers (KPerClassSubset, RepeatDataset, ...)
    ds_cfg = with_pipeline(cfg.train_dataloader.dataset, [])
    with DATASETS.switch_scope_and_registry(
            cfg.get('default_scope', 'defectzoo')) as registry:
        ds = registry.build(ds_cfg)
    ds.full_init()
    return [ds.get_data_info(i)['img_path'] for i in range(len(ds))]


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    inferencer = init_inferencer(cfg, args.checkpoint)
    paths = training_images(cfg)
    rng = np.random.default_rng(args.seed)
    if len(paths) > args.max_images:
        paths = [
            paths[i] for i in np.sort(
                rng.choice(len(paths), args.max_images, replace=False))
        ]
    feats = inferencer.features(
        paths, batch_size=args.batch_size, show_progress=True)
    fit, calib = split_fit_calib(len(feats), args.calib_fraction, args.seed)
    ood = NearestNeighbourOOD.fit(feats[fit], feats[calib], args.quantile,
                                  args.k)
    # zoo://: the verified bytes (defectzoo's loaders for every scheme)
    checkpoint = CheckpointLoader.load_checkpoint(args.checkpoint, 'cpu')
    checkpoint.setdefault('meta', {})[META_KEY] = ood.to_meta()
    torch.save(checkpoint, args.out)
    print(f'OOD memory bank of {len(fit)} training images (feature dim '
          f'{feats.shape[1]}, k={ood.k}), threshold {ood.threshold:.3f} = '
          f'{args.quantile:.0%} quantile of {len(calib)} held-out training '
          f'images; written to {args.out}')
    return ood


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
