"""MVGG19 vs VGG19 on the real magnetic-tile data: same folds, same budget.

Both models run through ``tools/analysis_tools/kfold.py`` (mmengine
``Runner``, one process per fold, resumable) on the benchmark configs in
``configs/mvgg19/benchmarks/`` -- the repo recipe (Adam 1e-3, batch 32,
the paper's augmentation, plain cross-entropy, Keras BatchNorm eps) cut to
2 CPU cores: 96 px, 8 epochs, 5-fold stratified CV (seed 0), BN momentum
0.1 in the BD paths and the head. **No ImageNet weights exist here**, so
the paper's frozen ImageNet conv base is replaced by (``--init``):

``neu-pretrained`` (default): a VGG19-BN conv base trained supervised on
    NEU-CLS (another steel-surface data set, no magnetic tiles; stage 0,
    ``configs/mvgg19/ce_vgg19bn_1xb32-adam-12e_neu-cls-96px.py``, trained by
    the benchmark from ``--neu-root`` unless ``--pretrained`` is given),
    loaded into both models and frozen as in the authors' code (only the
    BD BatchNorms and the head train);
``random-frozen``: a frozen, randomly initialised (Kaiming) VGG19 base --
    what the multipath fusion does with chance-level features;
``scratch``: the whole network trained from scratch (VGG19-BN, 64 px,
    3 folds).

``--losses plain balanced``: plain cross-entropy and cross-entropy with
inverse-class-frequency weights (``model.head.loss.class_weight``).

Usage (the recorded runs' commands are in the results JSON)::

    python benchmarks/mvgg19_magnetic_tile.py   # NEU-pretrained, frozen
    python benchmarks/mvgg19_magnetic_tile.py --init random-frozen
    python benchmarks/mvgg19_magnetic_tile.py --init scratch

Writes ``benchmarks/results/mvgg19_magnetic_tile_<init>.json`` (metrics
from the k-fold tool's per-fold ``result.json``, i.e. ``Runner.test()``;
the paper's numbers from ``configs/mvgg19/metafile.yml``); ``python
benchmarks/render_tables.py`` puts the tables into configs/mvgg19/README.md.
The folds' logs, CSVs and confusion matrices stay in ``--work-dir``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
import time
from collections import Counter

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(REPO_ROOT, 'benchmarks'))
import render_tables  # noqa: E402

from defectzoo.utils.process import run_logged  # noqa: E402

NEU_BASE_CFG = 'configs/mvgg19/ce_vgg19bn_1xb32-adam-12e_neu-cls-96px.py'
BENCH_CFG = 'configs/mvgg19/benchmarks'
#: per --init: the benchmark config of each model
CONFIGS = {
    'neu-pretrained': {
        'MVGG19': 'mvgg19_vgg19-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py',
        'VGG19': 'ce_vgg19-conv5-3-bn-neu_1xb32-adam-8e_magnetic-tile-96px.py',
    },
    'random-frozen': {
        'MVGG19': 'mvgg19_vgg19-random_1xb32-adam-8e_magnetic-tile-96px.py',
        'VGG19': 'ce_vgg19-conv5-3-random_1xb32-adam-8e_magnetic-tile-96px.py',
    },
    'scratch': {
        'MVGG19':
        'mvgg19_vgg19-bn-scratch_1xb32-adam-8e_magnetic-tile-64px.py',
        'VGG19':
        'ce_vgg19-conv5-3-bn-scratch_1xb32-adam-8e_magnetic-tile-64px.py',
    },
}
#: the paper's models in configs/mvgg19/metafile.yml
PAPER_MODELS = {
    'MVGG19': 'mvgg19_vgg19_1xb32-adam-15e_magnetic-tile-224px',
    'VGG19': 'ce_vgg19-conv5-3_1xb32-adam-15e_magnetic-tile-224px',
}
PAPER_DATASET = 'Magnetic tile (Huang et al. 2018)'
PAPER_KEYS = dict(accuracy='Accuracy', auc='AUC')
METRICS = ('accuracy', 'precision', 'recall', 'f1', 'auc')
MACHINE = '2-core CPU, 1 torch thread'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--data-root',
        default=osp.join(REPO_ROOT, '..', 'shared', 'datasets',
                         'magnetic-tile'))
    parser.add_argument(
        '--init', default='neu-pretrained', choices=list(CONFIGS))
    parser.add_argument(
        '--pretrained',
        help='neu-pretrained: this VGG19-BN '
        'checkpoint instead of training one')
    parser.add_argument(
        '--neu-root',
        default=osp.join(REPO_ROOT, '..', 'shared', 'datasets', 'neu-det'),
        help='neu-pretrained: NEU-DET / NEU-CLS folder (IMAGES/)')
    parser.add_argument(
        '--folds', type=int, help='default: 5 (frozen bases), 3 (scratch)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--img-size',
        type=int,
        help='default: 96 (frozen bases), 64 (scratch), as '
        'in the configs')
    parser.add_argument(
        '--epochs', type=int, help='default: the configs\' (8)')
    parser.add_argument(
        '--losses',
        nargs='+',
        default=['plain', 'balanced'],
        choices=['plain', 'balanced'])
    parser.add_argument(
        '--work-dir',
        help='default: work_dirs/benchmarks/'
        'mvgg19_magnetic_tile[_neu-pretrained|_scratch]')
    parser.add_argument(
        '--result',
        help='benchmarks/results/<RESULT>.json '
        '(default: mvgg19_magnetic_tile_<init>)')
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
    if args.result is None:
        args.result = f'mvgg19_magnetic_tile_{args.init}'
    return args


def neu_pretrained_base(args):
    """Path of the VGG19-BN base trained on NEU-CLS (trained here unless
    ``--pretrained``; resumable) and its NEU test accuracy if known (from
    the ``scalars.json`` mmengine writes)."""
    if args.pretrained:
        return osp.abspath(args.pretrained), None
    from mmengine.config import Config
    work = osp.join(args.work_dir, 'vgg19bn_neu')
    epochs = Config.fromfile(osp.join(REPO_ROOT, NEU_BASE_CFG)).max_epochs
    ckpt = osp.join(work, f'epoch_{epochs}.pth')
    if not osp.isfile(ckpt):
        root = osp.abspath(args.neu_root)
        run_logged([
            sys.executable, 'tools/train.py', NEU_BASE_CFG, '--work-dir', work,
            '--cfg-options', f'train_dataloader.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}'
        ],
                   osp.join(args.work_dir, 'vgg19bn_neu.log'),
                   'VGG19-BN on NEU-CLS',
                   cwd=REPO_ROOT,
                   check=True)
    accuracy = None
    for log in sorted(
            glob.glob(osp.join(work, '*', 'vis_data', 'scalars.json'))):
        with open(log) as f:
            for line in f:
                accuracy = json.loads(line).get('accuracy/top1', accuracy)
    return ckpt, accuracy


def class_counts(data_root):
    """Images per class of the magnetic-tile data set."""
    from defectzoo.datasets import MagneticTileClsDataset
    dataset = MagneticTileClsDataset(
        data_root=data_root, pipeline=[], check_images='none')
    return Counter(dataset.get_cat_ids(i)[0] for i in range(len(dataset)))


def run_kfold(args, name, loss, weights, checkpoint):
    """One model through the k-fold tool; its per-fold results."""
    size = f'({args.img_size}, {args.img_size})'
    options = [
        f'train_dataloader.dataset.data_root={osp.abspath(args.data_root)}',
        f'train_dataloader.dataset.pipeline.1.scale={size}',
        f'test_pipeline.1.scale={size}', f'randomness.seed={args.seed}'
    ]
    if args.epochs:
        options.append(f'train_cfg.max_epochs={args.epochs}')
    if checkpoint:
        options.append(f'model.backbone.init_cfg.checkpoint={checkpoint}')
    if loss == 'balanced':
        options.append('model.head.loss.class_weight=' +
                       str(list(weights)).replace(' ', ''))
    out = osp.join(args.work_dir, loss, name.lower())
    run_logged([
        sys.executable, 'tools/analysis_tools/kfold.py',
        osp.join(BENCH_CFG, CONFIGS[args.init][name]), '--folds',
        str(args.folds), '--seed',
        str(args.seed), '--work-dir', out, '--cfg-options', *options
    ],
               osp.join(args.work_dir, f'{loss}_{name.lower()}.log'),
               f'{name}, {loss} CE',
               cwd=REPO_ROOT,
               check=True)
    results = {}
    for k in range(args.folds):
        with open(osp.join(out, f'fold{k}', 'result.json')) as f:
            results[f'fold{k}'] = json.load(f)
    return results


def comparison_table(rows, folds, loss, note):
    """Mean ± std per metric for both models, their difference and the
    paper's 10-fold means."""
    paper = {
        name: render_tables.paper_metrics('mvgg19', model)[PAPER_DATASET]
        for name, model in PAPER_MODELS.items()
    }
    a = {r['fold']: r for r in rows['MVGG19']}
    b = {r['fold']: r for r in rows['VGG19']}
    table_rows = []
    for m in METRICS:
        table_rows.append([
            m, f"{a['mean'][m]:.2f} ± {a['std'][m]:.2f}",
            f"{b['mean'][m]:.2f} ± {b['std'][m]:.2f}",
            f"{a['mean'][m] - b['mean'][m]:+.2f}"
        ] + [paper[n].get(PAPER_KEYS.get(m)) for n in ('MVGG19', 'VGG19')])
    wins = sum(a[str(k)]['auc'] > b[str(k)]['auc'] for k in range(folds))
    return dict(
        columns=[
            f'metric (%), {loss} CE', 'MVGG19 ours', 'VGG19 ours',
            'MVGG19 − VGG19', 'MVGG19 paper', 'VGG19 paper'
        ],
        rows=table_rows,
        note=f'MVGG19 has the higher AUC in {wins} of {folds} folds. {note}')


def main(argv=None):
    from defectzoo.datasets.magnetic_tile import MT_CLASSES
    from defectzoo.evaluation.kfold import METRIC_KEYS, fold_runs
    from defectzoo.evaluation.repeated_runs import summarize
    args = parse_args(argv)
    start = time.time()
    os.makedirs(args.work_dir, exist_ok=True)
    checkpoint, base_acc = None, None
    if args.init == 'neu-pretrained':
        checkpoint, base_acc = neu_pretrained_base(args)
    counts = class_counts(args.data_root)
    total = sum(counts.values())
    weights = [
        round(total / (len(MT_CLASSES) * counts[c]), 4)
        for c in range(len(MT_CLASSES))
    ]
    free = 100 * counts[MT_CLASSES.index('Free')] / total
    base = {
        'neu-pretrained':
        'frozen VGG19-BN base trained on NEU-CLS' +
        (f' ({base_acc:.2f} % NEU test accuracy)' if base_acc else ''),
        'random-frozen':
        'frozen random (Kaiming) VGG19 base',
        'scratch':
        'whole network trained from scratch (VGG19-BN)',
    }[args.init]
    note = (f'{args.folds}-fold stratified CV (seed {args.seed}), '
            f'{args.img_size} px, {base}; mean ± std (ddof 1) over the '
            'folds, macro precision / recall / F1 / one-vs-rest AUC. '
            f'Predicting `Free` for every image scores accuracy {free:.2f}. '
            'Paper: 10-fold, ImageNet base, 224 px (configs/mvgg19/'
            'metafile.yml).')
    tables = {}
    for loss in args.losses:
        rows = {
            name:
            summarize(
                fold_runs(args.folds),
                run_kfold(args, name, loss, weights, checkpoint), METRIC_KEYS)
            for name in ('MVGG19', 'VGG19')
        }
        tables[loss] = comparison_table(rows, args.folds, loss, note)
    render_tables.write_result(
        args.result,
        'python benchmarks/mvgg19_magnetic_tile.py ' +
        ' '.join(sys.argv[1:] if argv is None else argv),
        tables,
        MACHINE,
        wall_min=round((time.time() - start) / 60, 1))
    result = render_tables.load(args.result)
    for table in result['tables']:
        print(render_tables.render(result, table))


if __name__ == '__main__':
    main()
