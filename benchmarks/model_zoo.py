"""Build the model zoo: train, fit the OOD statistics, publish, test, record.

For each zoo model (``ZOO`` below, in dependency order: a detector whose
backbone starts from another zoo model comes after it) the stock tools run
through the mmengine Runner:

1. ``tools/train.py CONFIG`` (skipped when its last checkpoint exists);
2. classifiers: ``tools/misc/fit_ood.py`` stores the nearest-neighbour OOD
   statistics of the training images in the checkpoint;
3. ``tools/misc/publish_model.py`` strips the training state and names the
   file ``<config>_<date>-<sha256[:8]>.pth`` in ``--release-dir``;
4. ``tools/test.py CONFIG zoo://NAME`` (the published file, fetched through
   the zoo's mirror/cache path like a user's) -- the metric is read from the
   JSON mmengine writes;
5. the entry's ``Weights``, ``Weights SHA256`` and ``Results`` are written
   into its metafile, and ``benchmarks/results/model_zoo.json`` (rendered
   into model_zoo.md) gets the row.

Cut down to a few minutes of one (shared) CPU thread per entry (the cuts
are listed in model_zoo.md): half-width ResNet-18s (32 base channels) at 64
px for 4 epochs; an R18-w32 Faster R-CNN with 64-channel heads for 1 epoch
(NEU-DET, 160 px). Three entries are trained by other benchmarks and only
published and tested here: the X-ray small-defect detector
(``benchmarks/xray_superimposed.py``: RTMDet-P2 on defects superimposed on
good synthetic radiographs), the Defect-Aux-Net cut-down
(``benchmarks/defect_aux_net.py --part train``) and the distilled ResNet-18
(``benchmarks/lightweight.py``).

Usage::

    python benchmarks/model_zoo.py \\
        --neu-root /data/neu-det --mt-root /data/magnetic-tile
    python benchmarks/model_zoo.py --only \\
        ce_r18-w32_1xb32-adam-4e_neu-cls-64px
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import re
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PY = sys.executable
sys.path[:0] = [ROOT, osp.join(ROOT, 'benchmarks')]
import render_tables  # noqa: E402

NEU_CLS = 'ce_r18-w32_1xb32-adam-4e_neu-cls-64px'
NEU_DET = 'faster-rcnn-fpn_r18-w32-neu-cls_1xb8-sgd-1e_neu-det-160px'
MT_CLS = 'ce_r18-w32_1xb32-adam-4e_magnetic-tile-64px'
XRAY_DET = 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px'
XRAY_BENCH = 'work_dirs/bench_xray_superimposed'
# trained by other benchmarks (their checkpoints are published here)
AUX_NET = ('defect-aux-net_r50-w16-se-sa-fpn_1xb8-adam-onecycle-8e_'
           'magnetic-tile-k40f160-128px')
KD_STUDENT = 'kd_r18-from-r50-vgg19bn_1xb32-adam-6e_neu-cls-100shot-64px'
_WRAPPED = ('train_dataloader.dataset.dataset', 'test_dataloader.dataset')

# name: config folder, data, task, metric key in the test JSON (None: the
# SSL backbone has no test metric of its own), its display name, epochs.
ZOO = {
    NEU_CLS:
    dict(
        folder='resnet',
        data='neu',
        task='classification',
        collection='ResNet-CPU',
        metric='accuracy/top1',
        metric_name='Top 1 Accuracy',
        dataset='NEU-CLS (20 % test split)',
        epochs=4),
    NEU_DET:
    dict(
        folder='neu_det',
        data='neu',
        task='detection',
        collection='NEU-DET',
        metric='pascal_voc/mAP',
        metric_name='mAP',
        dataset='NEU-DET (20 % test split)',
        epochs=1),
    MT_CLS:
    dict(
        folder='resnet',
        data='mt',
        task='classification',
        collection='ResNet-CPU',
        metric='accuracy/top1',
        metric_name='Top 1 Accuracy',
        dataset='Magnetic tile (20 % test split)',
        epochs=4),
    # The superimposed-defect X-ray detector of benchmarks/xray_superimposed.py
    # (trained on superimposed defects only, random init: the SimSiam init
    # measured worse there, its representation collapsed), published here.
    XRAY_DET:
    dict(
        folder='xray',
        checkpoint=f'{XRAY_BENCH}/det_random/iter_600.pth',
        made_by='benchmarks/xray_superimposed.py --iters 600',
        data='xray',
        task='detection',
        collection='XRay-Zoo',
        metric='det/AP50_voc',
        metric_name='AP50',
        dataset='synthetic X-ray castings (100 val images, the generator\'s '
        'own defects)',
        iters=600),
    # Defect-Aux-Net cut-down of benchmarks/defect_aux_net.py (the
    # multi-task run of its table): class + mask + boxes in one model.
    AUX_NET:
    dict(
        folder='defect_aux_net/benchmarks',
        metafile='defect_aux_net',
        checkpoint=f'work_dirs/defect_aux_net/{AUX_NET}/epoch_8.pth',
        made_by='benchmarks/defect_aux_net.py --part train',
        data='mt',
        data_keys=_WRAPPED,
        task='multi-task',
        collection='Defect-Aux-Net',
        metric='cls/accuracy/top1',
        metric_name='Top 1 Accuracy',
        dataset='Magnetic tile (20 % test split)',
        epochs=8),
    # The distilled ResNet-18 of benchmarks/lightweight.py: a plain
    # ResNet-18 checkpoint, run with the student's config.
    KD_STUDENT:
    dict(
        folder='distill/benchmarks',
        metafile='distill',
        config='configs/distill/benchmarks/'
        'ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py',
        checkpoint=f'work_dirs/lightweight/{KD_STUDENT}/epoch_6.pth',
        made_by='benchmarks/lightweight.py',
        data='neu',
        data_keys=_WRAPPED,
        task='classification',
        collection='Distill',
        metric='accuracy/top1',
        metric_name='Top 1 Accuracy',
        dataset='NEU-CLS (20 % test split)',
        epochs=6),
}
TASK_NAMES = {
    'classification':
    'Image Classification',
    'detection':
    'Object Detection',
    'multi-task':
    'Image Classification, Semantic Segmentation, '
    'Object Detection'
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--neu-root', default='data/neu-det/')
    p.add_argument('--mt-root', default='data/magnetic-tile/')
    p.add_argument('--work-dir', default='work_dirs/model_zoo')
    p.add_argument(
        '--release-dir',
        default=None,
        help='published files (default: WORK_DIR/release); also '
        'the zoo mirror ($DEFECTZOO_ZOO_MIRROR) for zoo:// '
        'references between zoo models')
    p.add_argument(
        '--only',
        nargs='+',
        choices=list(ZOO),
        help='build these models only (their dependencies must '
        'be built already)')
    p.add_argument('--date', help='yyyymmdd of the published names')
    return p.parse_args(argv)


def data_options(a, data, keys=None):
    if data == 'xray':
        return []
    root = osp.join(
        osp.abspath(a.neu_root if data == 'neu' else a.mt_root), '')
    keys = keys or [
        f'{split}_dataloader.dataset' for split in ('train', 'val', 'test')
    ]
    return [f'{key}.data_root={root}' for key in keys]


def run(cmd, log):
    print('+', ' '.join(cmd), flush=True)
    t0 = time.time()
    with open(log, 'a') as f:
        proc = subprocess.run(
            cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
    if proc.returncode:
        raise SystemExit(f'failed ({proc.returncode}): {" ".join(cmd)}; '
                         f'see {log}')
    return time.time() - t0


def config_of(name):
    return ZOO[name].get('config') or osp.join('configs', ZOO[name]['folder'],
                                               name + '.py')


def last_json(work_dir):
    """The metrics of the newest run in ``work_dir`` (mmengine's
    ``<timestamp>/<timestamp>.json``)."""
    files = sorted(glob.glob(osp.join(work_dir, '*', '[0-9]*_[0-9]*.json')))
    if not files:
        raise SystemExit(f'no metrics JSON in {work_dir}')
    with open(files[-1]) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def build(a, name, state):
    spec = ZOO[name]
    wd = osp.join(a.work_dir, name)
    os.makedirs(wd, exist_ok=True)
    log = osp.join(wd, 'build.log')
    cfg = config_of(name)
    ckpt = osp.join(wd, f'epoch_{spec.get("epochs")}.pth')
    entry = state.setdefault(name, {})
    opts = data_options(a, spec['data'], spec.get('data_keys'))
    if spec.get('checkpoint'):  # trained by another benchmark
        ckpt = osp.join(ROOT, spec['checkpoint'])
        if not osp.isfile(ckpt):
            raise SystemExit(f'{name}: {ckpt} does not exist; run '
                             f'python {spec["made_by"]} first')
    elif not osp.isfile(ckpt):
        entry['train_s'] = round(
            run([
                PY, 'tools/train.py', cfg, '--work-dir', wd, '--cfg-options',
                *data_options(a, spec['data'])
            ] if spec['data'] != 'xray' else
                [PY, 'tools/train.py', cfg, '--work-dir', wd], log), 1)
    src = ckpt
    if spec['task'] == 'classification':
        src = osp.join(wd, 'with_ood.pth')
        if not osp.isfile(src):
            run([
                PY, 'tools/misc/fit_ood.py', cfg, ckpt, '--out', src,
                '--cfg-options', *opts
            ], log)
    published = glob.glob(osp.join(a.release_dir, name + '_*.pth'))
    if not published or osp.getmtime(published[0]) < osp.getmtime(src):
        for old in published:
            os.remove(old)
        out = subprocess.run(
            [
                PY, 'tools/misc/publish_model.py', src,
                osp.join(a.release_dir, name + '.pth'), '--json'
            ] + (['--date', a.date] if a.date else []),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True).stdout
        entry.update(json.loads(out.strip().splitlines()[-1]))
    else:
        from defectzoo.apis.zoo import sha256sum
        entry.update(
            file=published[0],
            size=osp.getsize(published[0]),
            sha256=sha256sum(published[0]))
    write_metafile_entry(name, entry)
    if spec['metric']:
        test_wd = osp.join(wd, 'test')
        run([PY, 'tools/test.py', cfg, f'zoo://{name}', '--work-dir', test_wd]
            + (['--cfg-options', *opts] if opts else []), log)
        metrics = last_json(test_wd)
        entry['metric'] = round(100 * float(metrics[spec['metric']]), 2) \
            if spec['metric'] == 'det/AP50_voc' or \
            spec['metric'] == 'pascal_voc/mAP' else \
            round(float(metrics[spec['metric']]), 2)
        entry['test_command'] = (
            f'python tools/test.py {cfg} zoo://{name}' +
            (' --cfg-options ' + ' '.join(opts) if opts else ''))
        write_metafile_entry(name, entry)
    return entry


def write_metafile_entry(name, entry):
    """Set Weights / Weights SHA256 / Results of ``name`` in its metafile
    (text edit of that entry only, so comments elsewhere stay)."""
    from defectzoo.apis.zoo import DEFAULT_BASE_URL, SHA256_KEY
    spec = ZOO[name]
    path = osp.join(ROOT, 'configs', spec.get('metafile', spec['folder']),
                    'metafile.yml')
    with open(path) as f:
        text = f.read()
    url = DEFAULT_BASE_URL + osp.basename(entry['file'])
    lines = [
        f'  - Name: {name}',
        f'    In Collection: {spec.get("collection", "Model zoo")}',
        f'    Config: {config_of(name)}',
        '    Metadata:',
        f'      Training Data: {spec["dataset"].split(" (")[0]}',
        f'      Epochs: {spec["epochs"]}'
        if 'epochs' in spec else f'      Iterations: {spec["iters"]}',
    ] + ([f'      Training Config: configs/{spec["folder"]}/{name}.py']
         if spec.get('config') else []) + [
             f'      {SHA256_KEY}: {entry["sha256"]}',
             f'      Weights Size: {entry["size"]}'
         ]
    if entry.get('metric') is not None:
        lines += [
            '    Results:', f'      - Task: {TASK_NAMES[spec["task"]]}',
            f'        Dataset: {spec["dataset"]}', '        Metrics:',
            f'          {spec["metric_name"]}: {entry["metric"]}'
        ]
    lines.append(f'    Weights: {url}')
    block = '\n'.join(lines) + '\n'
    pattern = re.compile(
        rf'^  - Name: {re.escape(name)}\n(?:(?!  - Name: )'
        r'(?:    .*|\s*)\n)*', re.M)
    if pattern.search(text):
        text = pattern.sub(block, text, count=1)
    else:
        text = text.rstrip('\n') + '\n' + block
    with open(path, 'w') as f:
        f.write(text)


def write_results(a, state):
    rows = []
    for name, e in state.items():
        if 'sha256' not in e:
            continue
        spec = ZOO[name]
        rows.append([
            name, spec['task'], spec['dataset'], spec['metric_name'] or '—',
            e.get('metric'), f'{e["size"] / 2**20:.1f} MiB',
            osp.basename(e['file']), e['sha256'],
            e.get('train_s')
        ])
    return render_tables.write_result(
        'model_zoo',
        'python benchmarks/model_zoo.py --neu-root NEU --mt-root MT',
        machine=f'{platform.machine()} CPU, 1 thread (OMP_NUM_THREADS=1)',
        tables=dict(
            models=dict(
                columns=[
                    'model', 'task', 'test data', 'metric', 'value', 'size',
                    'file', 'sha256', 'train s'
                ],
                rows=rows,
                note='Metric from `tools/test.py CONFIG zoo://NAME` on the '
                'published file (mmengine test JSON); train s = wall time of '
                'tools/train.py on one thread.')))


def main(argv=None):
    a = parse_args(argv)
    os.environ['OMP_NUM_THREADS'] = '1'  # also in the tools' processes
    a.work_dir = osp.abspath(a.work_dir)
    a.release_dir = osp.abspath(
        a.release_dir or osp.join(a.work_dir, 'release'))
    os.makedirs(a.release_dir, exist_ok=True)
    # zoo:// references between zoo models resolve to this build's files.
    os.environ.setdefault('DEFECTZOO_ZOO_MIRROR', a.release_dir)
    os.environ.setdefault('DEFECTZOO_CACHE', osp.join(a.work_dir, 'cache'))
    state_file = osp.join(a.work_dir, 'state.json')
    state = {}
    if osp.isfile(state_file):
        with open(state_file) as f:
            state = json.load(f)
    for name in a.only or ZOO:
        build(a, name, state)
        with open(state_file, 'w') as f:
            json.dump(state, f, indent=1)
        write_results(a, state)
    print(json.dumps(state, indent=1))


if __name__ == '__main__':
    main()
