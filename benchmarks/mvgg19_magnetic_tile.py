"""MVGG19 vs VGG19 on the real magnetic-tile data: same folds, same budget.

Both models come from the repo configs
(``configs/mvgg19/{mvgg19,vgg19-conv5-3}_1xb32-adam-15e_magnetic-tile-224px``)
and follow their recipe -- Adam 1e-3, batch 32, stratified k-fold CV
(seed 0), the paper's augmentation, plain cross-entropy, Keras BatchNorm
defaults in the BD paths and the head. **No ImageNet weights exist here**,
so the paper's frozen ImageNet conv base cannot be reproduced; two
settings instead:

``--init scratch``: the whole network is trained from scratch
    (Kaiming init), through the k-fold tool itself
    (``tools/analysis_tools/kfold.py``, one process per fold, resumable):
    for each model the benchmark writes the repo config with the changes
    below into ``<work-dir>/<model>.py`` and runs the tool on it with the
    same ``--folds`` / ``--seed``, i.e. the same folds. Changes, to fit
    2 CPU cores and one hour: ``--img-size`` (64) px inputs, ``--folds``
    (3) folds, ``--epochs`` (8) epochs, no frozen stage, and BatchNorm
    after every conv of the VGG19 base (VGG19-BN, ``norm_cfg=BN``, the
    usual way to train a 19-layer VGG from scratch), BN momentum 0.1
    instead of Keras' 0.01 in the BD paths and the head (running
    statistics that keep up with a base that is still changing) --
    identical in both models.
``--init neu-pretrained`` (default): the paper's protocol with a
    stand-in for ImageNet: a VGG19-BN conv base trained supervised on
    NEU-CLS (another steel-surface data set, no magnetic tiles;
    ``configs/mvgg19/vgg19bn_1xb32-adam-12e_neu-cls-96px.py``, run by the
    benchmark from ``--neu-root`` unless ``--pretrained`` is given), loaded
    into both models and frozen as in the authors' code (only the BD
    BatchNorms and the head train). The tapped maps of a clean and
    ``--views`` augmented views of every image are computed once and the
    neck + head are trained on them (``--losses`` plain / class-balanced CE).
``--init random-frozen``: the same with a randomly initialised (Kaiming)
    frozen VGG19 base: what the multipath fusion does with chance-level
    features.

Usage (the commands and wall times of the recorded runs are in
configs/mvgg19/README.md)::

    python benchmarks/mvgg19_magnetic_tile.py   # NEU-pretrained, frozen
    nice -n 5 python benchmarks/mvgg19_magnetic_tile.py --init random-frozen
    python benchmarks/mvgg19_magnetic_tile.py --init scratch  # 3 x 8 x 64 px
    python benchmarks/mvgg19_magnetic_tile.py --init scratch --folds 10 \\
        --epochs 15 --img-size 224         # the paper's protocol (GPU)

Writes ``<work-dir>/<model>/kfold.csv`` and ``confusion_matrix.png`` (the
k-fold tool's outputs; ``<loss>/<model>/`` for the frozen bases) and
``benchmark.md`` with the side-by-side table.
"""
import argparse
import copy
import glob
import json
import os
import subprocess
import os.path as osp
import sys
import time
from collections import Counter

import numpy as np
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)
NEU_BASE_CFG = 'configs/mvgg19/vgg19bn_1xb32-adam-12e_neu-cls-96px.py'
CONFIGS = {
    'MVGG19': 'configs/mvgg19/mvgg19_1xb32-adam-15e_magnetic-tile-224px.py',
    'VGG19':
    'configs/mvgg19/vgg19-conv5-3_1xb32-adam-15e_magnetic-tile-224px.py',
}
ALL_TAPS = ('pool2', 'pool3', 'pool4', 'conv5_3')
METRICS = ('accuracy', 'precision', 'recall', 'f1', 'auc')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=osp.join(
        REPO_ROOT, '..', 'shared', 'datasets', 'magnetic-tile'))
    parser.add_argument('--init', default='neu-pretrained',
                        choices=['neu-pretrained', 'random-frozen', 'scratch'])
    parser.add_argument('--pretrained', help='neu-pretrained: this VGG19-BN '
                        'checkpoint instead of training one')
    parser.add_argument('--neu-root', default=osp.join(
        REPO_ROOT, '..', 'shared', 'datasets', 'neu-det'),
        help='neu-pretrained: NEU-DET / NEU-CLS folder (IMAGES/)')
    parser.add_argument('--folds', type=int,
                        help='default: 5 (frozen bases), 3 (scratch)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--img-size', type=int,
                        help='default: 96 (frozen bases), 64 (scratch)')
    parser.add_argument('--views', type=int, default=2,
                        help='augmented views per image for training')
    parser.add_argument('--no-augment', action='store_true',
                        help='train on the clean view too (a diagnostic)')
    parser.add_argument('--losses', nargs='+', default=['plain', 'balanced'],
                        choices=['plain', 'balanced'])
    parser.add_argument('--work-dir', help='default: work_dirs/benchmarks/'
                        'mvgg19_magnetic_tile[_neu-pretrained|_scratch]')
    args = parser.parse_args(argv)
    frozen = args.init != 'scratch'
    if args.folds is None:
        args.folds = 5 if frozen else 3
    if args.img_size is None:
        args.img_size = 96 if frozen else 64
    if args.work_dir is None:
        args.work_dir = osp.join(
            REPO_ROOT, 'work_dirs', 'benchmarks', 'mvgg19_magnetic_tile' +
            ('' if args.init == 'random-frozen' else '_' + args.init))
    return args


def scratch_cfg(name: str, args):
    """The repo config of ``name`` trained end to end from scratch at
    ``args.img_size`` px for ``args.epochs`` epochs (see the module doc)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, CONFIGS[name]))
    cfg.model.backbone.frozen_stages = -1
    cfg.model.backbone.norm_cfg = dict(type='BN')
    cfg.model.backbone.init_cfg = dict(type='Kaiming', layer='Conv2d')
    # Keras' BN momentum (0.01 here) suits a frozen base; a few hundred
    # steps from scratch need running statistics that keep up (0.1).
    for part in (cfg.model.neck, cfg.model.head):
        if 'norm_cfg' in part:  # (the VGG19 baseline's neck is a GAP)
            part.norm_cfg.momentum = 0.1
    for pipeline in (cfg.train_pipeline, cfg.test_pipeline):
        for t in pipeline:
            if t['type'].endswith('Resize'):
                t['scale'] = (args.img_size, args.img_size)
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.update(
        data_root=osp.abspath(args.data_root),
        pipeline=copy.deepcopy(cfg.train_pipeline))
    cfg.train_cfg.max_epochs = args.epochs
    cfg.default_hooks.logger.interval = 10
    cfg.randomness = dict(seed=args.seed)
    return cfg


def run_scratch(args, start):
    """Both models through tools/analysis_tools/kfold.py on the same
    folds; returns the side-by-side table."""
    from defectzoo.datasets.magnetic_tile import MT_CLASSES
    from defectzoo.evaluation.kfold import summarize
    rows = {}
    for name in CONFIGS:
        cfg_path = osp.join(args.work_dir, f'{name.lower()}.py')
        scratch_cfg(name, args).dump(cfg_path)
        out = osp.join(args.work_dir, name.lower())
        cmd = [sys.executable, osp.join(REPO_ROOT, 'tools', 'analysis_tools',
                                        'kfold.py'), cfg_path,
               '--folds', str(args.folds), '--seed', str(args.seed),
               '--work-dir', out]
        print(f'\n{name}: {" ".join(cmd)}', flush=True)
        proc = subprocess.run(cmd, cwd=REPO_ROOT)
        if proc.returncode:
            sys.exit(f'{name}: the k-fold tool failed (exit '
                     f'{proc.returncode}); see {out}/fold*/fold.log')
        results = {}
        for k in range(args.folds):
            with open(osp.join(out, f'fold{k}', 'result.json')) as f:
                results[k] = json.load(f)
        rows[name] = summarize(results, args.folds)
        print(f'{name} done at {(time.time() - start) / 60:.1f} min',
              flush=True)
    with open(osp.join(args.work_dir, 'mvgg19', 'folds.json')) as f:
        counts = Counter(json.load(f)['labels'])
    free = 100 * counts[MT_CLASSES.index('Free')] / sum(counts.values())
    return side_by_side(rows, args.folds) + (
        f'\n\nPredicting `Free` for every image scores accuracy {free:.2f} '
        '(the majority share).')


def neu_pretrained_base(args):
    """Path of the VGG19-BN base trained on NEU-CLS (trained here unless
    ``--pretrained``; resumable) and its NEU test accuracy if known."""
    if args.pretrained:
        return osp.abspath(args.pretrained), None
    from mmengine.config import Config
    work = osp.join(args.work_dir, 'vgg19bn_neu')
    epochs = Config.fromfile(osp.join(REPO_ROOT, NEU_BASE_CFG)).max_epochs
    ckpt = osp.join(work, f'epoch_{epochs}.pth')
    if not osp.isfile(ckpt):
        cmd = [sys.executable, osp.join(REPO_ROOT, 'tools', 'train.py'),
               osp.join(REPO_ROOT, NEU_BASE_CFG), '--work-dir', work,
               '--cfg-options', 'train_dataloader.dataset.data_root=' +
               osp.abspath(args.neu_root), 'val_dataloader.dataset.data_root='
               + osp.abspath(args.neu_root)]
        print('training the VGG19-BN base on NEU-CLS:', ' '.join(cmd),
              flush=True)
        if subprocess.run(cmd, cwd=REPO_ROOT).returncode:
            sys.exit(f'training the NEU base failed; see {work}')
    accuracy = None
    for log in sorted(glob.glob(osp.join(work, '*', 'vis_data',
                                         'scalars.json'))):
        for line in open(log):
            accuracy = json.loads(line).get('accuracy/top1', accuracy)
    return ckpt, accuracy


def load_cfg(name: str, size: int, class_weight, pretrained=None):
    """The repo config with a frozen conv base, ``size`` px pipelines:
    random (Kaiming) or the VGG19-BN checkpoint ``pretrained``."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, CONFIGS[name]))
    if pretrained:
        cfg.model.backbone.norm_cfg = dict(type='BN')
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')
    else:
        cfg.model.backbone.init_cfg = dict(type='Kaiming', layer='Conv2d')
    # Keras' BN momentum (0.01 here) suits a frozen base; a few hundred
    # steps from scratch need running statistics that keep up (0.1).
    for part in (cfg.model.neck, cfg.model.head):
        if 'norm_cfg' in part:  # (the VGG19 baseline's neck is a GAP)
            part.norm_cfg.momentum = 0.1
    cfg.model.backbone.frozen_stages = 5
    cfg.model.head.loss.class_weight = class_weight
    for pipeline in (cfg.train_pipeline, cfg.test_pipeline):
        for t in pipeline:
            if t['type'].endswith('Resize'):
                t['scale'] = (size, size)
    return cfg


def extract_maps(args, cfg, dataset, backbone, preprocessor):
    """Tapped maps of every image: a clean view (test) and ``views``
    augmented ones (train), float16, cached in the work dir."""
    from mmengine.dataset import Compose
    path = osp.join(args.work_dir, f'maps_{args.init}_{args.img_size}px_'
                    f'{args.views}views_seed{args.seed}.pt')
    if osp.isfile(path):
        return torch.load(path, weights_only=True)
    pipelines = [cfg.test_pipeline] + [cfg.train_pipeline] * args.views
    views = []
    for v, pipeline in enumerate(pipelines):
        np.random.seed(args.seed + v)
        compose = Compose(pipeline)
        per_tap = [[] for _ in ALL_TAPS]
        for start in range(0, len(dataset), 64):
            batch = [compose(dataset.get_data_info(i))['inputs']
                     for i in range(start, min(start + 64, len(dataset)))]
            with torch.no_grad():
                x = preprocessor(dict(inputs=batch), False)['inputs']
                for t, m in enumerate(backbone(x)):
                    per_tap[t].append(m.half())
        views.append([torch.cat(m) for m in per_tap])
        print(f'  view {v} ({"clean" if v == 0 else "augmented"}) done',
              flush=True)
    # maps[tap] has shape (1 + views, N, C, H, W)
    maps = [torch.stack([view[t] for view in views])
            for t in range(len(ALL_TAPS))]
    torch.save(maps, path)
    return maps


def samples(labels):
    from mmpretrain.structures import DataSample
    return [DataSample().set_gt_label(int(y)) for y in labels]


def run_fold(cfg, maps, labels, train_idx, test_idx, epochs, seed,
             augment=True):
    """Train neck + head of ``cfg`` on one fold's maps (augmented views,
    or the clean one if not ``augment``); test metrics on the clean view."""
    from mmengine.evaluator import Evaluator

    from defectzoo.evaluation.kfold import CONFUSION_KEY, kfold_evaluator
    from defectzoo.registry import MODELS
    taps = [ALL_TAPS.index(t) for t in cfg.model.backbone.taps]
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    neck = MODELS.build(copy.deepcopy(cfg.model.neck))
    head = MODELS.build(copy.deepcopy(cfg.model.head))
    params = list(neck.parameters()) + list(head.parameters())
    opt_cfg = dict(cfg.optim_wrapper.optimizer)
    opt_cfg.pop('type')
    optim = torch.optim.Adam(params, **opt_cfg)
    bs = cfg.train_dataloader.batch_size
    num_views = maps[0].shape[0] - 1

    def feats(view, idx):
        return tuple(maps[t][view, idx].float() for t in taps)

    for _ in range(epochs):
        neck.train()
        head.train()
        order = rng.permutation(train_idx)
        for start in range(0, len(order), bs):
            idx = torch.from_numpy(order[start:start + bs])
            view = torch.from_numpy(rng.integers(1, num_views + 1, len(idx))
                                    if augment else np.zeros(len(idx), int))
            loss = head.loss(neck(feats(view, idx)),
                             samples(labels[idx.numpy()]))['loss']
            optim.zero_grad()
            loss.backward()
            optim.step()
    neck.eval()
    head.eval()
    evaluator = Evaluator(kfold_evaluator(int(labels.max()) + 1))
    test = torch.as_tensor(test_idx)
    with torch.no_grad():
        preds = head.predict(neck(feats(0, test)),
                             samples(labels[test.numpy()]))
    evaluator.process(preds)
    metrics = evaluator.evaluate(len(preds))
    return dict(metrics={k: float(v) for k, v in metrics.items()
                         if k != CONFUSION_KEY},
                confusion=np.asarray(metrics[CONFUSION_KEY]).tolist())


def side_by_side(rows: dict, folds: int) -> str:
    a = {r['fold']: r for r in rows['MVGG19']}
    b = {r['fold']: r for r in rows['VGG19']}
    lines = ['| metric (%) | MVGG19 | VGG19 | MVGG19 - VGG19 |',
             '|---|---|---|---|']
    for m in METRICS:
        lines.append(
            f"| {m} | {a['mean'][m]:.2f} ± {a['std'][m]:.2f} | "
            f"{b['mean'][m]:.2f} ± {b['std'][m]:.2f} | "
            f"{a['mean'][m] - b['mean'][m]:+.2f} |")
    wins = sum(a[str(k)]['auc'] > b[str(k)]['auc'] for k in range(folds))
    lines.append(f'\nMVGG19 has the higher AUC in {wins} of {folds} folds; '
                 'per-fold accuracy MVGG19 / VGG19: ' + ', '.join(
                     f"{a[str(k)]['accuracy']:.1f}/{b[str(k)]['accuracy']:.1f}"
                     for k in range(folds)))
    return '\n'.join(lines)


def main():
    args = parse_args()
    start = time.time()
    os.makedirs(args.work_dir, exist_ok=True)
    if args.init == 'scratch':
        table = run_scratch(args, start)
        text = table + (
            f'\n\n{args.folds}-fold stratified CV (seed {args.seed}), '
            f'{args.epochs} epochs, {args.img_size} px, whole network '
            'trained from scratch (VGG19-BN conv base, Kaiming init); wall '
            f'time {(time.time() - start) / 60:.1f} min')
        print('\n' + text)
        with open(osp.join(args.work_dir, 'benchmark.md'), 'w') as f:
            f.write(text + '\n')
        return
    from mmengine.registry import init_default_scope

    from defectzoo.datasets.magnetic_tile import (MT_CLASSES,
                                                  MagneticTileClsDataset)
    from defectzoo.evaluation.kfold import (format_table, plot_confusion,
                                            summarize, train_indices,
                                            write_csv)
    from defectzoo.registry import MODELS
    from defectzoo.utils.data.splits import stratified_kfold
    init_default_scope('defectzoo')
    os.makedirs(args.work_dir, exist_ok=True)
    dataset = MagneticTileClsDataset(data_root=args.data_root, pipeline=[])
    labels = np.array([dataset.get_cat_ids(i)[0]
                       for i in range(len(dataset))])
    counts = Counter(labels.tolist())
    balanced = [round(len(labels) / (len(MT_CLASSES) * counts[c]), 4)
                for c in range(len(MT_CLASSES))]
    folds = stratified_kfold(labels.tolist(), args.folds, args.seed)
    print(f'{len(labels)} images: ' + ', '.join(
        f'{c} {counts[i]}' for i, c in enumerate(MT_CLASSES)), flush=True)

    # one frozen conv base for both models
    pretrained, base_acc = None, None
    if args.init == 'neu-pretrained':
        pretrained, base_acc = neu_pretrained_base(args)
        print(f'NEU-pretrained base {pretrained} (NEU-CLS test accuracy '
              f'{base_acc})', flush=True)
    torch.manual_seed(args.seed)
    cfg = load_cfg('MVGG19', args.img_size, None, pretrained)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    print(f'computing VGG19 maps at {args.img_size} px (1 clean + '
          f'{args.views} augmented views) ...', flush=True)
    maps = extract_maps(args, cfg, dataset, model.backbone,
                        model.data_preprocessor)
    print(f'maps done at {(time.time() - start) / 60:.1f} min', flush=True)
    # neck + head steps are small: on shared cores one thread is ~2x faster
    torch.set_num_threads(1)

    report = []
    suffix = '_noaug' if args.no_augment else ''
    for loss in args.losses:
        weight = balanced if loss == 'balanced' else None
        rows = {}
        for name in CONFIGS:
            cfg = load_cfg(name, args.img_size, weight, pretrained)
            results = {}
            for k in range(args.folds):
                results[k] = run_fold(cfg, maps, labels,
                                      np.array(train_indices(folds, k)),
                                      np.array(folds[k]), args.epochs,
                                      args.seed + k, not args.no_augment)
            out = osp.join(args.work_dir, loss + suffix, name.lower())
            os.makedirs(out, exist_ok=True)
            rows[name] = summarize(results, args.folds)
            write_csv(osp.join(out, 'kfold.csv'), rows[name])
            with open(osp.join(out, 'results.json'), 'w') as f:
                json.dump(results, f)
            plot_confusion(
                np.sum([r['confusion'] for r in results.values()], axis=0),
                MT_CLASSES, osp.join(out, 'confusion_matrix.png'),
                f'{name}, {loss} CE, summed over {args.folds} folds')
            print(f'\n{name}, {loss} cross-entropy '
                  f'({(time.time() - start) / 60:.1f} min):\n' +
                  format_table(rows[name]), flush=True)
        title = (f'### {loss} cross-entropy{suffix}' + (
            f' (class weights {balanced})' if weight else ''))
        report.append(title + '\n\n' + side_by_side(rows, args.folds))
    wall = (time.time() - start) / 60
    text = '\n\n'.join(report) + (
        f'\n\n{args.folds}-fold stratified CV (seed {args.seed}), '
        f'{args.epochs} epochs, {args.img_size} px, ' + (
            'no augmentation' if args.no_augment else
            f'{args.views} augmented views') +
        ', frozen conv base: ' + (
            f'VGG19-BN trained on NEU-CLS ({base_acc:.2f} % NEU test '
            'accuracy)' if base_acc is not None else pretrained or
            'random (Kaiming)') + f'; wall time {wall:.1f} min')
    print('\n' + text)
    with open(osp.join(args.work_dir, f'benchmark{suffix}.md'), 'w') as f:
        f.write(text + '\n')


if __name__ == '__main__':
    main()
