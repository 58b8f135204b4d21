"""Radiographs without hand labels: a small-defect detector trained only on
ellipsoidal defects superimposed on good radiographs (Mery 2021), tested on
defects of another defect model.

On the synthetic castings (8-bit, 640 px, pores / voids / shrinkage
cavities of 5-40 px, the look of a public castings series):

1. the generator's *defect-free* radiographs stand in for the user's good
   parts (``synthetic_good`` of the detector config), its labelled defects
   (``synthetic_val``: train + val splits) for the real ones;
2. lane A: SimSiam CSPNeXt-tiny on the good radiographs, then the detector
   from those weights, on superimposed defects; lane B: the same detector
   from random weights; each lane one process with one torch thread, both
   at once; then, alone with two threads, the upper bound (the same
   detector trained on the generator's own labelled defects);
3. ``tools/test.py`` on the generator's val split (its own defects: a
   different defect model, the domain gap of real parts): VOC AP50, COCO
   AP / AP50, recall at the config's score threshold (``XRayDetMetric``),
   from the last checkpoint (no selection on the test set);
4. a grid of superimposed defects (before | after) for the README.

Usage::

    python benchmarks/xray_superimposed.py              # ~75 min, 2 cores
    python benchmarks/xray_superimposed.py --iters 20 --ssl-epochs 1 \\
        --num-good 16 --num-train 8 --num-val 8 --work-dir /tmp/q  # quick

A finished stage (checkpoint, test result) is not run again. Writes
``benchmarks/results/xray_superimposed.json``; ``python
benchmarks/render_tables.py`` puts its table into configs/xray/README.md.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import threading
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

CFG = osp.join('configs', 'xray')
DET = osp.join(
    CFG, 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-'
    '640px.py')
DET_SSL = osp.join(
    CFG, 'rtmdet-p2_cspnext-tiny-simsiam-xray_1xb8-adamw-1k_xray-'
    'superimposed-640px.py')
DET_UPPER = osp.join(
    CFG, 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-labelled-640px.py')
SSL = osp.join(CFG, 'simsiam_cspnext-tiny_1xb32-sgd-coslr-40e_xray-good-'
               '96px.py')
GRID = osp.join(CFG, 'superimposed_defects.png')
RESULT = 'xray_superimposed'
BARS = dict(ap50=0.60, of_upper=0.8)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/bench_xray_superimposed')
    p.add_argument(
        '--iters',
        type=int,
        help='detector iterations (default: '
        "the config's)")
    p.add_argument('--ssl-epochs', type=int, help="default: the config's")
    p.add_argument('--num-good', type=int, help='good radiographs')
    p.add_argument('--num-train', type=int, help='labelled (upper bound)')
    p.add_argument('--num-val', type=int, help='labelled test images')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--result', default=RESULT)
    return p.parse_args(argv)


def run_timed(cmd, log_path, label, threads=1):
    """Run ``cmd`` with ``threads`` torch threads; its CPU seconds (the
    process and its data workers) and wall seconds. Raises with the log's
    tail."""
    env = dict(
        os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    start = time.time()
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        with open(log_path, errors='replace') as f:
            tail = ''.join(f.readlines()[-15:])
        raise RuntimeError(f'{label}: FAILED (exit code {proc.returncode}); '
                           f'last lines of {log_path}:\n{tail}')
    return round(usage.ru_utime + usage.ru_stime), round(time.time() - start)


def run_lanes(*lanes):
    """Run each function in its own thread (a one-thread lane of the
    2-core machine); the first error is raised after every lane ended."""
    errors = []

    def guarded(fn):

        def run():
            try:
                fn()
            except Exception as exc:  # reported after all lanes end
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(f)) for f in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def last_checkpoint(work_dir):
    ckpts = glob.glob(osp.join(work_dir, 'iter_*.pth')) + glob.glob(
        osp.join(work_dir, 'epoch_*.pth'))
    return max(
        ckpts, key=lambda p: int(p.rsplit('_', 1)[1][:-4]), default=None)


def scalars(work_dir, key):
    """Every record with ``key`` in the JSON logs under ``work_dir``."""
    records = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', '*.json')) +
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return [r for r in records if key in r]


class Stage:
    """Train (unless done) and test one detector, or train the SSL model."""

    def __init__(self, a, wd, name, config, options, threads=1):
        self.a, self.wd, self.name = a, wd, name
        self.config, self.options = config, options
        self.work = osp.join(wd, name)
        self.threads = threads

    def train(self):
        done = osp.join(self.work, 'train_s.json')
        if not osp.isfile(done):
            cpu, wall = run_timed([
                sys.executable, 'tools/train.py', self.config, '--work-dir',
                self.work, *self.options
            ], osp.join(self.wd, f'{self.name}.log'), f'train {self.name}',
                                  self.threads)
            with open(done, 'w') as f:
                json.dump(dict(cpu_s=cpu, wall_s=wall), f)
        with open(done) as f:
            return json.load(f)

    def test(self):
        test_dir = osp.join(self.work, 'test')
        if not scalars(test_dir, 'det/AP50_voc'):
            run_timed([
                sys.executable, 'tools/test.py', self.config,
                last_checkpoint(self.work), '--work-dir', test_dir,
                *self.options
            ], osp.join(self.wd, f'{self.name}_test.log'), f'test {self.name}',
                      self.threads)
        return scalars(test_dir, 'det/AP50_voc')[-1]

    def curve(self):
        return [(r['step'], r['det/AP50_voc'])
                for r in scalars(self.work, 'det/AP50_voc') if 'step' in r]


def schedule_options(iters):
    """``--cfg-options`` that shorten the detector schedule to ``iters``."""
    if not iters:
        return []
    return [
        f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={max(iters // 4, 1)}',
        f'param_scheduler.1.begin={iters // 2}',
        f'param_scheduler.1.end={iters}',
        f'param_scheduler.1.T_max={iters - iters // 2}',
        f'default_hooks.checkpoint.interval={max(iters // 4, 1)}',
    ]


def save_grid(cfg, data_root, wd):
    """Superimpose on 4 good radiographs with the config's defect settings
    and draw before | after."""
    from defectzoo.datasets.synthetic.superimposed_writer import \
        write_superimposed_set
    from defectzoo.visualization.superimposed_grid import \
        save_superimposed_grid
    sample = osp.join(wd, 'grid_input')
    out = osp.join(wd, 'grid_output')
    if not osp.isdir(out):
        os.makedirs(sample, exist_ok=True)
        for name in sorted(os.listdir(osp.join(data_root, 'unlabelled')))[:4]:
            os.symlink(
                osp.join(data_root, 'unlabelled', name),
                osp.join(sample, name))
        write_superimposed_set(
            sample, out, seed=0, show_progress=False, **cfg.defects)
    save_superimposed_grid(
        out, osp.join(ROOT, GRID), 4, cell=160, source_dir=sample)


def main(argv=None):
    from mmengine.config import Config

    from defectzoo.datasets.synthetic import generate_synthetic_xray
    a = parse_args(argv)
    start = time.time()
    wd = osp.abspath(a.work_dir)
    os.makedirs(wd, exist_ok=True)
    cfg = Config.fromfile(osp.join(ROOT, DET))
    synthetic = dict(cfg.synthetic)
    for key, field in (('num_good', 'num_unlabelled'),
                       ('num_train', 'num_train'), ('num_val', 'num_val')):
        if getattr(a, key) is not None:
            synthetic[field] = getattr(a, key)
    data_root = osp.join(wd, 'data') + '/'
    generate_synthetic_xray(data_root, **synthetic)
    save_grid(cfg, data_root, wd)
    # --data-root: every dataset reads data_root as it is (no generation)
    common = [
        '--data-root', data_root, '--cfg-options', f'randomness.seed={a.seed}'
    ]
    opts = common + schedule_options(a.iters)
    ssl_opts = list(common)
    if a.ssl_epochs:
        ssl_opts += [
            f'train_cfg.max_epochs={a.ssl_epochs}',
            f'param_scheduler.0.T_max={a.ssl_epochs}',
            f'param_scheduler.0.end={a.ssl_epochs}',
            f'default_hooks.checkpoint.interval={a.ssl_epochs}'
        ]
    ssl = Stage(a, wd, 'ssl', SSL, ssl_opts)
    stages = dict(
        random=Stage(a, wd, 'det_random', DET, opts),
        # after both lanes, alone on the machine: two threads
        upper=Stage(a, wd, 'det_upper', DET_UPPER, opts, threads=2))
    results = {}

    def lane_a():
        results['ssl_train'] = ssl.train()
        ckpt = last_checkpoint(ssl.work)
        stages['ssl'] = Stage(
            a, wd, 'det_ssl', DET_SSL,
            opts + ['model.backbone.init_cfg.checkpoint=selfsup://' + ckpt])
        results['ssl'] = (stages['ssl'].train(), stages['ssl'].test())

    def lane_b():
        results['random'] = (stages['random'].train(), stages['random'].test())

    run_lanes(lane_a, lane_b)
    results['upper'] = (stages['upper'].train(), stages['upper'].test())
    render_tables.write_result(
        a.result,
        'python benchmarks/xray_superimposed.py ' +
        ' '.join(sys.argv[1:] if argv is None else argv),
        tables(results, stages, cfg),
        '2-core CPU: two 1-thread lanes, then the upper bound on 2 threads',
        wall_min=round((time.time() - start) / 60, 1),
        synthetic=synthetic)
    result = render_tables.load(a.result)
    for table in result['tables']:
        print(render_tables.render(result, table))


def tables(results, stages, cfg):
    """The result tables (``benchmarks/render_tables.py`` format)."""
    upper = results['upper'][1]['det/AP50_voc']
    rows = []
    for key, data, init in (('ssl', 'superimposed on good radiographs',
                             'SimSiam on the same good radiographs'),
                            ('random', 'superimposed on good radiographs',
                             'random'),
                            ('upper',
                             "the generator's labelled defects (upper bound)",
                             'random')):
        train, test = results[key]
        cpu = train['cpu_s'] + (
            results['ssl_train']['cpu_s'] if key == 'ssl' else 0)
        rows.append([
            data, init,
            round(test['det/AP50_voc'], 3),
            round(test['det/AP50_coco'], 3),
            round(test['det/AP_coco'], 3),
            round(test['det/recall_defect'], 3),
            round(test['det/AP50_voc'] / upper, 2) if upper else None,
            round(cpu / 60, 1),
            round(train['wall_s'] / 60, 1)
        ])
    curves = dict(
        columns=['run'] +
        [f'AP50 @ iter {s}' for s, _ in stages['random'].curve()],
        rows=[[k] + [round(v, 3) for _, v in stages[k].curve()]
              for k in ('ssl', 'random', 'upper')],
        note='Validation AP50 (VOC) during training, same test images.')
    return dict(
        summary=dict(
            columns=[
                'training data', 'init', 'AP50 (VOC)', 'AP50 (COCO)',
                'AP (COCO)', f'recall @ score {cfg.score_thr}',
                'AP50 / upper bound', 'train CPU min (incl. SSL)',
                'train wall min'
            ],
            rows=rows,
            note=f'Bars: AP50 >= {BARS["ap50"]} and >= {BARS["of_upper"]} x '
            'the upper bound. Test: the generator\'s own defects (pores, '
            'voids, shrinkage cavities; another defect model than the '
            'superimposed ellipsoids), last checkpoint. Detector: '
            'RTMDet-tiny P2-P4 (CSPNeXt-tiny), 256 px crops, batch 8.'),
        curves=curves)


if __name__ == '__main__':
    main()
