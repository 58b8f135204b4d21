"""X-ray SSL transfer on the synthetic castings set: scratch vs SimSiam
init of a Faster R-CNN at equal fine-tuning budget, plus R50-FPN CPU
inference time at 1024 x 1024.

The paper's protocol (Intxausti et al. 2024: 100 SSL epochs on 27,901
radiographs, R50, 1024 px, 12 fine-tuning epochs) cut down to 2 CPU cores,
through the stock tools on the configs in ``configs/xray/benchmarks/``
(the recipe, its cut-downs and their reasons are in each config's header):

1. generate the synthetic set (the ``synthetic`` parameters of the SimSiam
   config) into ``<work-dir>/data_<size>px``;
2. ``tools/train.py``: SimSiam ResNet-18 on the unlabelled split
   (``simsiam_r18_1xb32-sgd-coslr-25e_xray-synthetic-96px.py``);
3. ``tools/model_converters/selfsup_to_det.py``: to mmdet backbone keys;
4. ``tools/train.py``: Faster R-CNN R18-FPN from scratch and from the SSL
   weights with the same settings, per ``--seeds``
   (``faster-rcnn-fpn_r18-{scratch,simsiam-xray}_1xb4-sgd-30e_xray-synthetic-
   512px.py``);
5. ``tools/test.py`` on the val split: VOC AP50, COCO AP / AP50 / AP75,
   AP50-critical and recall of critical at score 0.5 (``XRayDetMetric``),
   read from the JSON mmengine writes for the test run;
6. R50-FPN inference time at 1024 x 1024 on ``--infer-images`` synthetic
   radiographs (``faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_xray-1024px.py``,
   load + window + resize + forward + NMS, after one warm-up image).

Usage::

    python benchmarks/xray_transfer.py --seeds 0 1 2
    python benchmarks/xray_transfer.py --num-unlabelled 64 --num-train 16 \\
        --num-val 8 --ssl-epochs 1 --det-epochs 1 --infer-images 1  # quick

A finished stage (SSL checkpoint, a detector's last checkpoint, a test
result) is not run again. Writes ``benchmarks/results/xray_transfer.json``
(the paper's numbers from ``configs/xray/metafile.yml``); ``python
benchmarks/render_tables.py`` puts its tables into configs/xray/README.md.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

from defectzoo.utils.process import run_logged  # noqa: E402

CFG = osp.join('configs', 'xray', 'benchmarks')
SSL_CFG = osp.join(CFG, 'simsiam_r18_1xb32-sgd-coslr-25e_xray-synthetic-'
                   '96px.py')
DET_CFGS = {
    'scratch':
    osp.join(
        CFG, 'faster-rcnn-fpn_r18-scratch_1xb4-sgd-30e_'
        'xray-synthetic-512px.py'),
    'X-ray SimSiam':
    osp.join(
        CFG, 'faster-rcnn-fpn_r18-simsiam-xray_1xb4-sgd-30e_'
        'xray-synthetic-512px.py'),
}
INFER_CFG = osp.join(
    CFG, 'faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_'
    'xray-1024px.py')
#: the paper's R50 results in configs/xray/metafile.yml, per init
PAPER_MODELS = {
    'scratch': 'faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_xray-512px',
    'X-ray SimSiam': 'faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px',
}
METRICS = dict(
    AP50_voc='AP50 (VOC)',
    AP50_voc_critical='AP50-critical (VOC)',
    AP_coco='AP (COCO)',
    AP50_coco='AP50 (COCO)',
    AP75_coco='AP75 (COCO)',
    recall_critical='recall critical @0.5')
SUMMARY = ('AP50_voc', 'AP50_voc_critical', 'AP_coco', 'recall_critical')
MACHINE = '2-core CPU, 1 torch thread per job'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/bench_xray_transfer')
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument(
        '--num-unlabelled',
        type=int,
        help='default: the SimSiam config\'s synthetic set')
    p.add_argument('--num-train', type=int)
    p.add_argument('--num-val', type=int)
    p.add_argument('--ssl-epochs', type=int, help='default: the config\'s')
    p.add_argument('--det-epochs', type=int, help='default: the configs\'')
    p.add_argument(
        '--infer-images',
        type=int,
        default=2,
        help='1024 px images to time R50-FPN on (0: no timing)')
    p.add_argument(
        '--result',
        default='xray_transfer',
        help='benchmarks/results/<RESULT>.json')
    return p.parse_args(argv)


def run(cmd, log, label):
    run_logged(cmd, log, label, cwd=ROOT, check=True)


def last_checkpoint(work_dir):
    """The ``epoch_*.pth`` of the highest epoch in ``work_dir`` or None."""
    ckpts = glob.glob(osp.join(work_dir, 'epoch_*.pth'))
    return max(
        ckpts, key=lambda p: int(p.rsplit('_', 1)[1][:-4]), default=None)


def mmengine_json(work_dir, key):
    """The last record with ``key`` in the JSON logs mmengine writes under
    ``work_dir`` (``<timestamp>/<timestamp>.json`` for test runs,
    ``<timestamp>/vis_data/scalars.json`` for training)."""
    records = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', '*.json')) +
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    found = [r for r in records if key in r]
    return found[-1] if found else None


def final_train_loss(work_dir):
    """Mean total loss over the last epoch's logged iterations."""
    found = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not found:
        return None
    with open(found[-1]) as f:
        recs = [json.loads(line) for line in f]
    recs = [r for r in recs if 'loss' in r and 'epoch' in r]
    last = max(r['epoch'] for r in recs)
    vals = [r['loss'] for r in recs if r['epoch'] == last]
    return round(sum(vals) / len(vals), 3)


def data_options(root):
    return [
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'val_evaluator.ann_file={root}annotations/val.json',
        f'test_evaluator.ann_file={root}annotations/val.json',
    ]


def fine_tune_and_test(a, wd, init, seed, data_root, det_ckpt):
    """Train (unless done) and test one detector; its metrics (fractions)
    and training seconds."""
    name = f"det_{init.split()[-1].lower()}_seed{seed}"
    work = osp.join(wd, name)
    options = data_options(data_root) + [f'randomness.seed={seed}']
    if init != 'scratch':
        options.append(f'model.backbone.init_cfg.checkpoint={det_ckpt}')
    if a.det_epochs:
        options += [
            f'train_cfg.max_epochs={a.det_epochs}',
            f'train_cfg.val_begin={a.det_epochs + 1}'
        ]
    seconds = osp.join(work, 'train_s.json')
    if not osp.isfile(seconds):
        start = time.time()
        run([
            sys.executable, 'tools/train.py', DET_CFGS[init], '--work-dir',
            work, '--cfg-options', *options
        ], osp.join(wd, f'{name}.log'), f'fine-tune {name}')
        with open(seconds, 'w') as f:
            json.dump(dict(train_s=round(time.time() - start)), f)
    test_dir = osp.join(work, 'test')
    if mmengine_json(test_dir, 'det/AP50_voc') is None:
        run([
            sys.executable, 'tools/test.py', DET_CFGS[init],
            last_checkpoint(work), '--work-dir', test_dir, '--cfg-options',
            *options
        ], osp.join(wd, f'{name}_test.log'), f'test {name}')
    record = mmengine_json(test_dir, 'det/AP50_voc')
    with open(seconds) as f:
        train_s = json.load(f)['train_s']
    return {k: record.get(f'det/{k}') for k in METRICS}, train_s, \
        final_train_loss(work)


def time_inference(a, wd):
    """Seconds per image of R50-FPN at 1024 x 1024 on this CPU."""
    import cv2
    import torch
    from mmdet.apis import inference_detector, init_detector

    from defectzoo.datasets.synthetic import generate_xray_sample
    paths = []
    for i in range(a.infer_images + 1):
        s = generate_xray_sample(1, i, split='val', img_size=1024)
        paths.append(osp.join(wd, f'infer_{i}.png'))
        cv2.imwrite(paths[-1], s['img'])
    model = init_detector(osp.join(ROOT, INFER_CFG), None, device='cpu')
    inference_detector(model, paths[0])  # warm-up
    start = time.perf_counter()
    for p in paths[1:]:
        inference_detector(model, p)
    return (time.perf_counter() - start) / a.infer_images, \
        torch.get_num_threads()


def mean_std(values):
    import numpy as np
    v = 100 * np.asarray(values, dtype=float)
    return f'{v.mean():.1f} ± {v.std(ddof=1):.1f}' if len(v) > 1 else \
        f'{v.mean():.1f}'


def tables(a, rows, timing):
    """The result tables (``benchmarks/render_tables.py`` format)."""
    pct = [
        lambda m, k=k: None if m[k] is None else round(100 * m[k], 1)
        for k in METRICS
    ]
    out = dict(
        per_seed=dict(
            columns=[
                'init', 'seed', *METRICS.values(), 'last-epoch train loss',
                'fine-tune s'
            ],
            rows=[[init, seed, *(f(m) for f in pct), loss, train_s]
                  for init, seed, m, train_s, loss in rows],
            note='Values in %; synthetic X-ray castings, val split at 512 px.')
    )
    summary = []
    for init in DET_CFGS:
        runs = [m for i, _, m, _, _ in rows if i == init]
        paper = render_tables.paper_metrics('xray', PAPER_MODELS[init])
        [paper] = paper.values() or [{}]
        summary.append(
            [init, len(runs)] +
            [mean_std([m[k] for m in runs]) for k in SUMMARY] +
            [paper.get('AP50'), paper.get('AP-Critical')])
    out['summary'] = dict(
        columns=['init (mean ± std over seeds)', 'seeds'] +
        [METRICS[k] for k in SUMMARY] +
        ['paper AP50 (R50, industrial)', 'paper AP-Critical'],
        rows=summary,
        note='Paper: ResNet-50, 1024 px, 100 SSL epochs on 27,901 real '
        'radiographs (configs/xray/metafile.yml); ours: ResNet-18, the '
        'synthetic set, the budgets in configs/xray/benchmarks/.')
    if timing:
        out['inference'] = dict(
            columns=['model', 'input', 's / image', 'torch threads'],
            rows=[[
                'Faster R-CNN R50-FPN', '1024 x 1024',
                round(timing[0], 2), timing[1]
            ]],
            note=f'Mean of {a.infer_images} synthetic radiographs after a '
            'warm-up: load + window + resize + forward + NMS, on CPU.')
    return out


def main(argv=None):
    from mmengine.config import Config

    from defectzoo.datasets.synthetic import generate_synthetic_xray
    a = parse_args(argv)
    start = time.time()
    wd = osp.abspath(a.work_dir)
    os.makedirs(wd, exist_ok=True)
    synthetic = dict(Config.fromfile(osp.join(ROOT, SSL_CFG)).synthetic)
    for key in ('num_unlabelled', 'num_train', 'num_val'):
        if getattr(a, key) is not None:
            synthetic[key] = getattr(a, key)
    data_root = osp.join(wd, f'data_{synthetic["img_size"]}px') + '/'
    generate_synthetic_xray(data_root, **synthetic)

    ssl_wd = osp.join(wd, 'ssl')
    if last_checkpoint(ssl_wd) is None:
        options = [
            f'train_dataloader.dataset.data_root={data_root}',
            'train_dataloader.dataset.synthetic=None'
        ]
        if a.ssl_epochs:
            options.append(f'train_cfg.max_epochs={a.ssl_epochs}')
        run([
            sys.executable, 'tools/train.py', SSL_CFG, '--work-dir', ssl_wd,
            '--cfg-options', *options
        ], osp.join(wd, 'ssl.log'), 'SimSiam pretraining')
    det_ckpt = osp.join(wd, 'simsiam_r18_det.pth')
    if not osp.isfile(det_ckpt):
        run([
            sys.executable, 'tools/model_converters/selfsup_to_det.py',
            last_checkpoint(ssl_wd), det_ckpt
        ], osp.join(wd, 'convert.log'), 'convert')

    rows = []
    for seed in a.seeds:
        for init in DET_CFGS:
            metrics, train_s, loss = fine_tune_and_test(
                a, wd, init, seed, data_root, det_ckpt)
            rows.append((init, seed, metrics, train_s, loss))
    timing = time_inference(a, wd) if a.infer_images > 0 else None
    render_tables.write_result(
        a.result,
        'python benchmarks/xray_transfer.py ' +
        ' '.join(sys.argv[1:] if argv is None else argv),
        tables(a, rows, timing),
        MACHINE,
        wall_min=round((time.time() - start) / 60, 1),
        synthetic=synthetic)
    result = render_tables.load(a.result)
    for table in result['tables']:
        print(render_tables.render(result, table))


if __name__ == '__main__':
    main()
