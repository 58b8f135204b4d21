"""Does self-supervised pretraining on the tiles help the magnetic-tile
classifier? SSL init vs random init (vs the zoo's NEU-CLS init) at an equal
fine-tuning budget.

The X-ray paper's idea -- pretrain on the unlabelled images of the same
domain -- measured on magnetic tile: SimSiam (CSPNeXt-tiny,
``configs/resnet/simsiam_cspnext-tiny_1xb32-sgd-coslr-20e_magnetic-tile-128px.py``)
on the training split's images without labels, then the zoo's
mask-supervised classifier recipe (same config, schedule and seed) from

- random init (``model.backbone.init_cfg=None``),
- the SimSiam backbone,
- the zoo's NEU-CLS classifier (the config as it is),

each for ``--epochs`` (cosine schedule cut to that length; default 10 of
the zoo's 25). Two one-thread lanes: SimSiam then its fine-tuning | random
init then NEU-CLS init (``--after-pid``: lane B starts when that process
ends, to share the 2 cores with a running job). Test-split balanced
accuracy of each last checkpoint by ``tools/test.py``::

    python benchmarks/mt_init.py --mt-root MAGNETIC_TILE [--epochs 10]
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path[:0] = [ROOT, osp.join(ROOT, 'benchmarks')]
import render_tables  # noqa: E402
import xray_superimposed as xs  # noqa: E402
from model_zoo import MT_CLS, NEU_CLS  # noqa: E402

CLS = osp.join('configs', 'resnet', MT_CLS + '.py')
SSL = osp.join(
    'configs', 'resnet',
    'simsiam_cspnext-tiny_1xb32-sgd-coslr-20e_magnetic-tile-128px.py')
METRIC = 'single-label/recall'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--mt-root', required=True)
    p.add_argument('--work-dir', default='work_dirs/bench_mt_init')
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--ssl-epochs', type=int, default=20)
    p.add_argument(
        '--after-pid',
        type=int,
        help='start lane B when this process has ended')
    p.add_argument(
        '--zoo-release',
        default='work_dirs/model_zoo/release',
        help='folder holding the NEU-CLS zoo file (zoo:// mirror)')
    p.add_argument('--result', default='mt_init')
    return p.parse_args(argv)


def train(cmd_opts, config, work, log, label):
    done = osp.join(work, 'train_s.json')
    if not osp.isfile(done):
        cpu, wall = xs.run_timed([
            sys.executable, 'tools/train.py', config, '--work-dir', work,
            *cmd_opts
        ], log, label)
        with open(done, 'w') as f:
            json.dump(dict(cpu_s=cpu, wall_s=wall), f)
    with open(done) as f:
        return json.load(f)


def test(config, work, data, log, label):
    out = osp.join(work, 'test')
    if not xs.scalars(out, METRIC):
        xs.run_timed([
            sys.executable, 'tools/test.py', config,
            xs.last_checkpoint(work), '--work-dir', out, '--cfg-options', *data
        ], log, label)
    return xs.scalars(out, METRIC)[-1]


def curve(work):
    return [(r['step'], r[METRIC]) for r in xs.scalars(work, METRIC)
            if 'step' in r and r['step'] % 5 == 0]


def main(argv=None):
    a = parse_args(argv)
    start = time.time()
    wd = osp.abspath(a.work_dir)
    os.makedirs(wd, exist_ok=True)
    os.environ['DEFECTZOO_ZOO_MIRROR'] = osp.abspath(a.zoo_release)
    root = osp.join(osp.abspath(a.mt_root), '')
    data = [
        f'{s}_dataloader.dataset.data_root={root}'
        for s in ('train', 'val', 'test')
    ]
    e = a.epochs
    data += [  # the zoo recipe's schedule, cut to ``e`` epochs
        f'train_cfg.max_epochs={e}', f'param_scheduler.1.T_max={e - 1}',
        f'param_scheduler.1.end={e}', f'default_hooks.checkpoint.interval={e}'
    ]
    se = a.ssl_epochs
    ssl_data = [
        f'{s}_dataloader.dataset.data_root={root}' for s in ('train', 'test')
    ] + [
        f'train_cfg.max_epochs={se}', f'param_scheduler.0.T_max={se}',
        f'param_scheduler.0.end={se}',
        f'default_hooks.checkpoint.interval={se}'
    ]
    runs = {k: osp.join(wd, k) for k in ('random', 'simsiam', 'neu_cls')}
    results = {}

    def lane_a():
        results['ssl_train'] = train(['--cfg-options', *ssl_data], SSL,
                                     osp.join(wd, 'ssl'),
                                     osp.join(wd, 'ssl.log'), 'SimSiam')
        ckpt = xs.last_checkpoint(osp.join(wd, 'ssl'))
        opts = data + [f'model.backbone.init_cfg.checkpoint={ckpt}']
        results['simsiam'] = train(['--cfg-options', *opts],
                                   CLS, runs['simsiam'],
                                   osp.join(wd, 'simsiam.log'), 'SimSiam init')

    def lane_b():
        while a.after_pid and osp.exists(f'/proc/{a.after_pid}'):
            time.sleep(10)
        results['random'] = train(
            ['--cfg-options', *data, 'model.backbone.init_cfg=None'], CLS,
            runs['random'], osp.join(wd, 'random.log'), 'random init')
        results['neu_cls'] = train(['--cfg-options', *data],
                                   CLS, runs['neu_cls'],
                                   osp.join(wd, 'neu_cls.log'), 'NEU-CLS init')

    xs.run_lanes(lane_a, lane_b)
    rows = []
    names = dict(
        random='random init',
        simsiam=f'SimSiam on the training tiles ({se} epochs, 128 px)',
        neu_cls=f'NEU-CLS classifier (zoo: {NEU_CLS})')
    for key in ('random', 'simsiam', 'neu_cls'):
        work = runs[key]
        metrics = test(CLS, work, data, osp.join(wd, f'{key}_test.log'),
                       f'test {key}')
        pts = dict(curve(work))
        rows.append([names[key]] + [
            round(pts[k], 1) if k in pts else None for k in range(5, e + 1, 5)
        ] + [round(metrics[METRIC], 2),
             round(metrics['accuracy/top1'], 2)])
    pre = results['ssl_train']
    table = dict(
        columns=['backbone init'] +
        [f'val bal. acc @{k}'
         for k in range(5, e + 1, 5)] + ['test balanced acc', 'test top-1'],
        rows=rows,
        note=(f'Same config ({MT_CLS}), schedule ({e} of its 25 epochs) '
              'and seed; '
              f'SimSiam pretraining cost {pre["cpu_s"] / 60:.0f} CPU min '
              'on top (one thread).'))
    render_tables.write_result(
        a.result,
        f'python benchmarks/mt_init.py --mt-root MAGNETIC_TILE --epochs {e} '
        f'--ssl-epochs {se}',
        dict(init=table),
        '2-core CPU, two 1-thread lanes',
        wall_min=round((time.time() - start) / 60, 1))
    result = render_tables.load(a.result)
    print(render_tables.render(result, 'init'))


if __name__ == '__main__':
    main()
