"""Does in-domain self-supervised pretraining help the zoo's classifiers?
SSL init vs random init (vs the zoo's NEU-CLS init, on magnetic tile) at an
equal fine-tuning budget.

The X-ray paper's idea -- pretrain on the unlabelled images of the same
domain -- measured with the zoo's recipes:

``--dataset magnetic-tile``
    SimSiam (CSPNeXt-tiny,
    ``configs/resnet/simsiam_cspnext-tiny_1xb32-sgd-coslr-20e_magnetic-tile-128px.py``)
    on the training tiles, then the zoo's mask-supervised classifier from
    random init (``model.backbone.init_cfg=None``), the SimSiam backbone and
    the zoo's NEU-CLS classifier (the config as it is).
``--dataset neu``
    SimCLR (CSPNeXt-tiny,
    ``configs/resnet/simclr_cspnext-tiny_1xb64-adamw-20e_neu-cls-128px.py``)
    on the NEU-CLS training images, then the zoo's NEU-CLS classifier recipe
    from random init (the config as it is) and from the SimCLR backbone.

Each fine-tuning runs ``--epochs`` (the zoo schedule's cosine cut to that
length), same config and seed. Two one-thread lanes: SSL then its
fine-tuning | the other inits (``--after-pid``: lane B starts when that
process ends, to share the 2 cores with a running job). Test-split metric
of each last checkpoint by ``tools/test.py``::

    python benchmarks/ssl_init.py --dataset magnetic-tile \\
        --data-root MAGNETIC_TILE [--epochs 10]
    python benchmarks/ssl_init.py --dataset neu --data-root NEU-DET
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402
import xray_superimposed as xs  # noqa: E402
from model_zoo import MT_CLS, NEU_CLS  # noqa: E402

SSL_INIT = ('model.backbone.init_cfg.type=Pretrained',
            'model.backbone.init_cfg.prefix=backbone.')
# per data set: the classifier, its SSL config, the inits compared, the
# test metric (key, label) and the result name
DATASETS = {
    'magnetic-tile':
    dict(
        cls=MT_CLS,
        ssl='simsiam_cspnext-tiny_1xb32-sgd-coslr-20e_magnetic-tile-128px',
        ssl_name='SimSiam on the training tiles ({se} epochs, 128 px)',
        ssl_sched=(0, 0),  # the SSL cosine scheduler: index, warm-up epochs
        cls_sched=1,
        inits=dict(
            random=('random init', ['model.backbone.init_cfg=None']),
            neu_cls=(f'NEU-CLS classifier (zoo: {NEU_CLS})', [])),
        metric=('single-label/recall', 'balanced acc'),
        result='mt_init',
        placeholder='MAGNETIC_TILE'),
    'neu':
    dict(
        cls=NEU_CLS,
        ssl='simclr_cspnext-tiny_1xb64-adamw-20e_neu-cls-128px',
        ssl_name='SimCLR on the training images ({se} epochs, 128 px)',
        ssl_sched=(1, 2),
        cls_sched=1,
        inits=dict(random=('random init (the zoo recipe)', [])),
        metric=('accuracy/top1', 'top-1'),
        result='neu_init',
        placeholder='NEU-DET'),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--dataset', choices=sorted(DATASETS), required=True)
    p.add_argument('--data-root', required=True)
    p.add_argument('--work-dir', help='default: work_dirs/bench_<result>')
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
    p.add_argument('--result', help='result name (default: per data set)')
    a = p.parse_args(argv)
    d = DATASETS[a.dataset]
    a.result = a.result or d['result']
    a.work_dir = a.work_dir or f'work_dirs/bench_{d["result"]}'
    return a


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


def test(config, work, data, log, label, metric):
    out = osp.join(work, 'test')
    if not xs.scalars(out, metric):
        xs.run_timed([
            sys.executable, 'tools/test.py', config,
            xs.last_checkpoint(work), '--work-dir', out, '--cfg-options', *data
        ], log, label)
    return xs.scalars(out, metric)[-1]


def curve(work, metric):
    return [(r['step'], r[metric]) for r in xs.scalars(work, metric)
            if 'step' in r and r['step'] % 5 == 0]


def main(argv=None):
    a = parse_args(argv)
    d = DATASETS[a.dataset]
    cls = osp.join('configs', 'resnet', d['cls'] + '.py')
    ssl = osp.join('configs', 'resnet', d['ssl'] + '.py')
    metric, label = d['metric']
    start = time.time()
    wd = osp.abspath(a.work_dir)
    os.makedirs(wd, exist_ok=True)
    os.environ['DEFECTZOO_ZOO_MIRROR'] = osp.abspath(a.zoo_release)
    root = osp.join(osp.abspath(a.data_root), '')
    data = [
        f'{s}_dataloader.dataset.data_root={root}'
        for s in ('train', 'val', 'test')
    ]
    e, k = a.epochs, d['cls_sched']
    data += [  # the zoo recipe's schedule, cut to ``e`` epochs
        f'train_cfg.max_epochs={e}', f'param_scheduler.{k}.T_max={e - 1}',
        f'param_scheduler.{k}.end={e}',
        f'default_hooks.checkpoint.interval={e}'
    ]
    se, (k, warm) = a.ssl_epochs, d['ssl_sched']
    ssl_data = [f'train_dataloader.dataset.data_root={root}'] + [
        f'train_cfg.max_epochs={se}', f'param_scheduler.{k}.T_max={se - warm}',
        f'param_scheduler.{k}.end={se}',
        f'default_hooks.checkpoint.interval={se}'
    ]
    names = {key: name for key, (name, _) in d['inits'].items()}
    names['ssl'] = d['ssl_name'].format(se=se)
    runs = {key: osp.join(wd, key) for key in names}
    results = {}

    def lane_a():
        results['ssl_train'] = train(['--cfg-options', *ssl_data], ssl,
                                     osp.join(wd, 'ssl_pretrain'),
                                     osp.join(wd, 'ssl_pretrain.log'), 'SSL')
        ckpt = xs.last_checkpoint(osp.join(wd, 'ssl_pretrain'))
        opts = data + list(SSL_INIT) + [
            f'model.backbone.init_cfg.checkpoint={ckpt}'
        ]
        results['ssl'] = train(['--cfg-options', *opts], cls, runs['ssl'],
                               osp.join(wd, 'ssl.log'), 'SSL init')

    def lane_b():
        while a.after_pid and osp.exists(f'/proc/{a.after_pid}'):
            time.sleep(10)
        for key, (name, opts) in d['inits'].items():
            results[key] = train(['--cfg-options', *data, *opts], cls,
                                 runs[key], osp.join(wd, f'{key}.log'), name)

    xs.run_lanes(lane_a, lane_b)
    rows = []
    for key in names:
        work = runs[key]
        metrics = test(cls, work, data, osp.join(wd, f'{key}_test.log'),
                       f'test {key}', metric)
        pts = dict(curve(work, metric))
        rows.append([names[key]] + [
            round(pts[k], 1) if k in pts else None for k in range(5, e + 1, 5)
        ] + [round(metrics[metric], 2),
             round(metrics['accuracy/top1'], 2)])
    pre = results['ssl_train']
    table = dict(
        columns=['backbone init'] +
        [f'val {label} @{k}'
         for k in range(5, e + 1, 5)] + [f'test {label}', 'test top-1'],
        rows=rows,
        note=(f'Same config ({d["cls"]}), schedule ({e} epochs) and seed; '
              f'SSL pretraining cost {pre["cpu_s"] / 60:.0f} CPU min '
              'on top (one thread).'))
    if metric == 'accuracy/top1':
        table['columns'].pop()
        for row in table['rows']:
            row.pop()
    render_tables.write_result(
        a.result,
        f'python benchmarks/ssl_init.py --dataset {a.dataset} --data-root '
        f'{d["placeholder"]} --epochs {e} --ssl-epochs {se}',
        dict(init=table),
        '2-core CPU, two 1-thread lanes',
        wall_min=round((time.time() - start) / 60, 1))
    result = render_tables.load(a.result)
    print(render_tables.render(result, 'init'))


if __name__ == '__main__':
    main()
