"""SCL + ArcMargin vs cross-entropy on the real NEU data, without ImageNet.

The paper's recipe starts from ImageNet ResNet-50 weights; none can be
downloaded here, so the backbone is pretrained *self-supervised* on the
unlabelled non-test NEU images (the 80 % side of the fixed 80/20 split,
labels unused) and then trained with the paper's one-stage loss on k
labelled images per class. Everything runs through the repo's configs and
tools, on 2 CPU cores:

1. SimCLR, ResNet-18, 96 px, 25 epochs
   (``configs/scl_arcmargin/simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py``;
   ``--recipe native``: 40 epochs on native-scale 96 px crops, and the whole
   200 px images at test time in every step below, ``*-native*`` configs).
2. ``tools/analysis_tools/small_data.py`` with, per (k, seed), the same k
   images per class (seeded draw from the 80 %), tested on the fixed 20 %
   (360 images):

   - ``SimCLR + gallery``: no labelled training (0 epochs); the gallery of
     the k images classifies by mean cosine similarity;
   - ``SCL + ArcMargin``: 30 epochs of the paper's loss
     (``scl-arcmargin_r18-simclr-neu_1xb32-adam-30e_neu-20shot-96px.py``);
   - ``cross-entropy``: the same backbone, data, augmentation, optimiser and
     epochs with a linear head (``ce_r18-simclr-neu_...``).
3. Few-shot: SCL + ArcMargin on the three base classes' 80 % side for 10
   epochs, then ``tools/analysis_tools/few_shot_eval.py``: 600 3-way
   episodes on the novel classes' 20 % side (images the SSL never saw);
   also with the SimCLR weights alone.

Usage (the command and wall time of the recorded run are in
configs/scl_arcmargin/README.md)::

    python benchmarks/scl_arcmargin_neu.py \\
        --data-root ../shared/datasets/neu-det
    # reuse a SimCLR checkpoint, fewer seeds, no few-shot part
    python benchmarks/scl_arcmargin_neu.py --simclr-checkpoint X.pth \\
        --seeds 0 1 2 --skip few-shot

Every step is resumable (run the same command again). Writes
``benchmarks/results/scl_arcmargin_neu[_native].json`` (the paper's numbers
from ``configs/scl_arcmargin/metafile.yml``); ``python
benchmarks/render_tables.py`` puts its tables into the README.
"""
import argparse
import csv
import json
import os
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import render_tables  # noqa: E402

from defectzoo.utils.process import run_logged  # noqa: E402

CFG = osp.join(REPO, 'configs', 'scl_arcmargin')
RECIPES = {
    # native-scale 96 px crops for training, whole 200 px images at test
    'native':
    dict(
        simclr='simclr_r18_1xb64-adamw-40e_neu-unlabelled-native-200px.py',
        scl='scl-arcmargin_r18-simclr-neu-native_1xb32-adam-30e_'
        'neu-20shot-200px.py',
        ce='ce_r18-simclr-neu-native_1xb32-adam-30e_neu-20shot-200px.py',
        few_shot='scl-arcmargin_r18-simclr-neu-native_1xb32-adam-'
        '10e_neu-fewshot-3way-200px.py',
        title='ResNet-18, native-scale 96 px crops, 200 px test'),
    # every image shrunk to 96 px (the first recorded run)
    '96px':
    dict(
        simclr='simclr_r18_1xb64-adamw-25e_neu-unlabelled-96px.py',
        scl='scl-arcmargin_r18-simclr-neu_1xb32-adam-30e_neu-20shot-'
        '96px.py',
        ce='ce_r18-simclr-neu_1xb32-adam-30e_neu-20shot-96px.py',
        few_shot='scl-arcmargin_r18-simclr-neu_1xb32-adam-10e_neu-'
        'fewshot-3way-96px.py',
        title='ResNet-18, 96 px'),
}
#: the paper's models in configs/scl_arcmargin/metafile.yml, per method
PAPER_MODELS = {
    'SCL + ArcMargin': 'scl-arcmargin_r50_1xb32-adam-100e_neu-{k}shot-224px',
    'cross-entropy': 'ce_r50_1xb32-adam-100e_neu-{k}shot-224px',
}
PAPER_FEW_SHOT = 'scl-arcmargin_r50_1xb32-adam-100e_neu-fewshot-3way-224px'
MACHINE = '2-core CPU, 1 torch thread per run'


def paper_accuracy(method, k):
    """The paper's top-1 % of ``method`` with ``k`` images per class (from
    the metafile), None if the paper has none."""
    if method not in PAPER_MODELS:
        return None
    try:
        results = render_tables.paper_metrics('scl_arcmargin',
                                              PAPER_MODELS[method].format(k=k))
    except KeyError:
        return None
    return results['NEU-CLS (20 % test)']['Top 1 Accuracy']


def paper_few_shot():
    """``{shots: accuracy}`` of the paper's 3-way few-shot result."""
    [metrics] = render_tables.paper_metrics('scl_arcmargin',
                                            PAPER_FEW_SHOT).values()
    return {int(k.split('-')[0]): v for k, v in metrics.items()}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        '--data-root',
        default='../shared/datasets/neu-det',
        help='NEU-DET / NEU-CLS folder (IMAGES/)')
    parser.add_argument(
        '--recipe',
        choices=list(RECIPES),
        default='96px',
        help='96px: every image shrunk to 96 px (the recorded '
        'run); native: native-scale crops, 200 px test')
    parser.add_argument(
        '--work-dir',
        help='default: '
        'work_dirs/bench_scl_arcmargin[_native]')
    parser.add_argument(
        '--simclr-checkpoint',
        help='use this SimCLR checkpoint instead of step 1')
    parser.add_argument('--k', type=int, nargs='+', default=[20])
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=list(range(10)))
    parser.add_argument(
        '--epochs',
        type=int,
        default=30,
        help='SCL / CE epochs on the k images (default 30)')
    parser.add_argument(
        '--skip',
        nargs='*',
        default=[],
        choices=['gallery', 'scl', 'ce', 'few-shot'])
    parser.add_argument(
        '--result',
        help='benchmarks/results/<RESULT>.json '
        '(default: scl_arcmargin_neu[_native])')
    args = parser.parse_args(argv)
    args.cfg = {
        k: osp.join(CFG, v) if k != 'title' else v
        for k, v in RECIPES[args.recipe].items()
    }
    if args.result is None:
        args.result = 'scl_arcmargin_neu' + ('' if args.recipe == '96px' else
                                             '_' + args.recipe)
    if args.work_dir is None:
        args.work_dir = 'work_dirs/bench_scl_arcmargin' + (
            '' if args.recipe == '96px' else '_' + args.recipe)
    return args


def run(cmd, log):
    """Run ``cmd`` from the repository root, its output in ``log``."""
    print('$', ' '.join(cmd), flush=True)
    run_logged(cmd, log, cmd[1], cwd=REPO, check=True)


def simclr(args, work):
    if args.simclr_checkpoint:
        return osp.abspath(args.simclr_checkpoint)
    from mmengine.config import Config
    epochs = Config.fromfile(args.cfg['simclr']).max_epochs
    ckpt = osp.join(work, 'simclr', f'epoch_{epochs}.pth')
    if not osp.isfile(ckpt):
        os.makedirs(osp.dirname(ckpt), exist_ok=True)
        run([
            sys.executable, 'tools/train.py', args.cfg['simclr'], '--work-dir',
            osp.dirname(ckpt), '--cfg-options',
            f'train_dataloader.dataset.data_root={args.data_root}'
        ], osp.join(work, 'simclr.log'))
    return ckpt


def data_options(root, gallery=True):
    opts = [
        f'train_dataloader.dataset.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}'
    ]
    if gallery:
        opts.append(f'gallery_dataloader.dataset.dataset.data_root={root}')
    return opts


def small_data(args, name, config, options, work):
    out = osp.join(work, name)
    cmd = [
        sys.executable, 'tools/analysis_tools/small_data.py', config, '--k',
        *map(str, args.k), '--seeds', *map(str, args.seeds), '--work-dir', out,
        '--cfg-options', *options
    ]
    os.makedirs(out, exist_ok=True)
    run(cmd, osp.join(work, f'{name}.log'))
    return read_small_data(out)


def read_small_data(out):
    """{k: (mean, std, runs, mean seconds per run)} of accuracy/top1."""
    with open(osp.join(out, 'small_data.csv')) as f:
        rows = list(csv.DictReader(f))
    stats = {}
    for k in dict.fromkeys(r['k'] for r in rows):
        runs = [
            r for r in rows
            if r['k'] == k and r['seed'].isdigit() and r['status'] == 'ok'
        ]
        mean = next(r for r in rows if r['k'] == k and r['seed'] == 'mean')
        std = next(r for r in rows if r['k'] == k and r['seed'] == 'std')
        secs = [
            json.load(
                open(osp.join(out, f'k{k}_seed{r["seed"]}',
                              'result.json'))).get('seconds', 0) for r in runs
        ]
        stats[int(k)] = (float(mean['accuracy/top1']),
                         float(std['accuracy/top1']), len(runs),
                         sum(secs) / max(len(secs), 1))
    return stats


def few_shot_data(args):
    return [
        f'train_dataloader.dataset.data_root={args.data_root}',
        f'test_dataloader.dataset.data_root={args.data_root}'
    ]


def few_shot(args, ckpt, work):
    """{variant: {shots: (acc, ci95)}}."""
    out = {}
    fs = osp.join(work, 'few-shot')
    trained = osp.join(fs, 'train', 'epoch_10.pth')
    if not osp.isfile(trained):
        run([
            sys.executable, 'tools/train.py', args.cfg['few_shot'],
            '--work-dir',
            osp.dirname(trained), '--cfg-options',
            f'model.init_cfg.checkpoint={ckpt}', *few_shot_data(args)
        ], osp.join(work, 'few-shot-train.log'))
    for name, weights in [('SimCLR only', ckpt),
                          ('SimCLR + SCL + ArcMargin (base classes)', trained)
                          ]:
        res_dir = osp.join(fs, 'eval-' + name.split()[-1].strip('()'))
        res = osp.join(res_dir, 'few_shot.json')
        if not osp.isfile(res):
            run([
                sys.executable, 'tools/analysis_tools/few_shot_eval.py',
                args.cfg['few_shot'], weights, '--work-dir', res_dir, '--ways',
                '3', '--shots', '1', '3', '5', '--episodes', '600',
                '--cfg-options', 'model.init_cfg=None', *few_shot_data(args)
            ], osp.join(work, f'few-shot-eval-{osp.basename(res_dir)}.log'))
        rows = json.load(open(res))['results']
        out[name] = {r['shots']: (r['accuracy'], r['ci95']) for r in rows}
    return out


def tables(small, fs, args):
    """The result tables (``benchmarks/render_tables.py`` format)."""
    out = dict(
        small_data=dict(
            columns=[f'method (no ImageNet, {args.cfg["title"]})'] +
            [f'k={k} ours' for k in args.k] + [f'k={k} paper'
                                               for k in args.k] + ['s / run'],
            rows=[[name] + [
                f'{stats[k][0]:.2f} ± {stats[k][1]:.2f} ({stats[k][2]} runs)'
                if k in stats else None for k in args.k
            ] + [paper_accuracy(name, k) for k in args.k] + [
                round(max(s[3] for s in stats.values())) if stats else None
            ] for name, stats in small.items()],
            note='Top-1 % on the fixed 20 % NEU test split, mean ± std over '
            f'the seeded draws (seeds {" ".join(map(str, args.seeds))}); '
            'paper: '
            'ImageNet ResNet-50, mean of 10 runs (configs/scl_arcmargin/'
            'metafile.yml).'))
    if fs:
        paper = paper_few_shot()
        out['few_shot'] = dict(
            columns=[
                '3-way few-shot (600 episodes, mean ± 95 % CI)', '1-shot',
                '3-shot', '5-shot'
            ],
            rows=[[name] +
                  [f'{res[s][0]:.2f} ± {res[s][1]:.2f}' for s in (1, 3, 5)]
                  for name, res in fs.items()] +
            [['paper (ImageNet ResNet-50)'] + [paper[s] for s in (1, 3, 5)]])
    return out


def main(argv=None):
    args = parse_args(argv)
    work = osp.abspath(args.work_dir)
    os.makedirs(work, exist_ok=True)
    start = time.time()
    ckpt = simclr(args, work)
    init = [f'model.init_cfg.checkpoint={ckpt}']
    epochs = [f'train_cfg.max_epochs={args.epochs}']
    small = {}
    if 'scl' not in args.skip:
        small['SCL + ArcMargin'] = small_data(
            args, 'scl', args.cfg['scl'],
            init + epochs + data_options(args.data_root), work)
    if 'ce' not in args.skip:
        small['cross-entropy'] = small_data(
            args, 'ce', args.cfg['ce'],
            init + epochs + data_options(args.data_root, gallery=False), work)
    if 'gallery' not in args.skip:
        small['SimCLR + gallery (no labelled training)'] = small_data(
            args, 'gallery', args.cfg['scl'],
            init + data_options(args.data_root) + ['train_cfg.max_epochs=0'],
            work)
    fs = few_shot(args, ckpt, work) if 'few-shot' not in args.skip else {}
    render_tables.write_result(
        args.result,
        'python benchmarks/scl_arcmargin_neu.py ' +
        ' '.join(sys.argv[1:] if argv is None else argv),
        tables(small, fs, args),
        MACHINE,
        wall_min=round((time.time() - start) / 60, 1),
        simclr_checkpoint=ckpt)
    result = render_tables.load(args.result)
    for table in result['tables']:
        print(render_tables.render(result, table))


if __name__ == '__main__':
    main()
