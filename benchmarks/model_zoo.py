"""Build the model zoo: train, fit the OOD statistics, publish, test, record.

One command rebuilds every released checkpoint, bit for bit (seeded data
order and augmentation, deterministic algorithms, one thread per training,
no timestamp / host / path in a published file, the date from ``--date``)::

    python benchmarks/model_zoo.py --neu-root NEU-DET \\
        --mt-root MAGNETIC_TILE --release-dir release/ --date 20261207

The entries (``ZOO``) run in two one-thread lanes (``lane``), each lane in
order; an entry whose config starts from another zoo model (``zoo://``,
resolved in ``--release-dir``) waits until that one is published. For
each entry the stock tools run through the mmengine Runner, each in a child
process (``run_tool``):

1. ``tools/train.py CONFIG`` (skipped when its last checkpoint exists);
2. classifiers: ``tools/misc/fit_ood.py`` stores the nearest-neighbour OOD
   statistics of the training images in the checkpoint;
3. ``tools/test.py`` on that fp32 checkpoint, then
   ``tools/misc/publish_model.py --fp16`` (training state stripped, weights
   in half precision, ``<config>_<date>-<sha256[:8]>.pth``) and
   ``tools/test.py CONFIG zoo://NAME`` on the published file, fetched
   through the zoo like a user's; when the metric moves by more than
   ``FP16_TOLERANCE`` the entry is published in fp32 instead;
4. the metafile entry gets ``Weights``, ``Weights SHA256`` and ``Results``;
   the learning curve (and a classifier's confusion matrix) are drawn into
   ``--figures-dir``.

At the end ``--release-dir`` holds the files, ``SHA256SUMS`` (``sha256sum
-c`` format) and ``manifest.json`` (name, file, sha256, size, dtype, config,
test metrics; nothing machine- or time-dependent), and
``benchmarks/results/model_zoo.json`` the table of model_zoo.md (with train
times and per-image latency, which are not part of the release).
"""
import argparse
import glob
import json
import os
import os.path as osp
import pickle
import platform
import re
import statistics
import subprocess
import sys
import threading
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PY = sys.executable
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402
from xray_superimposed import schedule_options  # noqa: E402

NEU_CLS = 'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'
NEU_DET = 'rtmdet-lite_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-160px'
MT_CLS = ('mask-sup_cspnext-tiny-neu-cls_1xb32-adamw-coslr-25e_'
          'magnetic-tile-224px')
XRAY_DET = 'rtmdet-p2_cspnext-tiny_1xb8-adamw-1k_xray-superimposed-640px'
XRAY_ITERS = 600  # of the config's 1,000 (benchmarks/xray_superimposed.py)
FP16_TOLERANCE = 0.1  # points of the test metric fp16 storage may move
BUILD_COMMAND = ('python benchmarks/model_zoo.py --neu-root NEU-DET '
                 '--mt-root MAGNETIC_TILE --release-dir DIR --date YYYYMMDD')

# name -> folder (configs/<folder>/<name>.py), data ('neu' / 'mt' / None:
# the config generates its own), lane, the metric the bar is set on
# (``metric``: key of the test JSON, its display name, the bar), more test
# metrics to report (``also``), the training length (epochs or iters),
# ``test_args`` for ``tools/test.py`` (chosen on the validation split).
ZOO = {
    NEU_CLS:
    dict(
        folder='resnet',
        data='neu',
        lane=0,
        task='classification',
        collection='CSPNeXt-CPU',
        metric=('accuracy/top1', 'Top 1 Accuracy', 99.0),
        also={'single-label/recall': 'Balanced Accuracy'},
        dataset='NEU-CLS (20 % test split)',
        epochs=40),
    NEU_DET:
    dict(
        folder='neu_det',
        data='neu',
        lane=0,
        task='detection',
        collection='NEU-DET',
        metric=('det/AP50_voc', 'mAP50 (VOC)', 60.0),
        also={'det/AP_coco': 'mAP (COCO)'},
        scale=100,
        dataset='NEU-DET (20 % test split)',
        epochs=40),
    # trained on defects superimposed on good synthetic radiographs (random
    # init: the SimSiam init measured worse, its representation collapsed)
    XRAY_DET:
    dict(
        folder='xray',
        data=None,
        lane=1,
        task='detection',
        collection='XRay-Zoo',
        metric=('det/AP50_voc', 'AP50', 60.0),
        also={'det/AP_coco': 'AP (COCO)'},
        scale=100,
        options=schedule_options(XRAY_ITERS),
        dataset="synthetic X-ray castings (100 val images, the generator's "
        'own defects)',
        iters=XRAY_ITERS),
    MT_CLS:
    dict(
        folder='resnet',
        data='mt',
        lane=1,
        task='classification',
        collection='CSPNeXt-CPU',
        metric=('single-label/recall', 'Balanced Accuracy', 80.0),
        also={'accuracy/top1': 'Top 1 Accuracy'},
        # 4-view flip TTA: validation balanced accuracy 94.0 vs 85.4 % (the
        # same TTA on NEU-DET: val mAP50 62.1 vs 63.4, not used there)
        test_args=['--tta'],
        dataset='Magnetic tile (20 % test split)',
        epochs=25),
}
#: ``--cpu-isa``: the instruction set the tools' kernels may use. PyTorch
#: (ATen), oneDNN (convolutions) and MKL (matrix products) pick kernels by
#: the CPU, and AVX2 and AVX-512 kernels add in other orders: 5 AdamW steps
#: of a small CNN gave three different weight hashes (AVX-512; oneDNN
#: AVX2; oneDNN and MKL AVX2). A rebuild gives the pinned sha256 values on
#: a CPU that runs the same kernels: ``native`` (default; the release was
#: built so) on one of the release's instruction set, ``avx2`` on any
#: x86-64 CPU with AVX2.
CPU_ISA = {
    'native': {},
    'avx2':
    dict(
        ATEN_CPU_CAPABILITY='avx2', ONEDNN_MAX_CPU_ISA='AVX2',
        MKL_CBWR='AVX2'),
}
TASK_NAMES = {
    'classification': 'Image Classification',
    'detection': 'Object Detection',
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--neu-root', default='data/neu-det/')
    p.add_argument('--mt-root', default='data/magnetic-tile/')
    p.add_argument('--work-dir', default='work_dirs/model_zoo')
    p.add_argument(
        '--release-dir',
        default=None,
        help='where the published files, SHA256SUMS and manifest.json go '
        '(default: WORK_DIR/release); also the zoo mirror '
        '($DEFECTZOO_ZOO_MIRROR) for zoo:// references between zoo models')
    p.add_argument(
        '--date',
        help='yyyymmdd in the published names (default: today, UTC; give it '
        'to reproduce a release)')
    p.add_argument(
        '--only',
        nargs='+',
        choices=list(ZOO),
        help='build these models only (their dependencies must be built '
        'already)')
    p.add_argument(
        '--lanes',
        type=int,
        default=2,
        help='entries trained at once, one thread each (default 2)')
    p.add_argument(
        '--cpu-isa',
        choices=list(CPU_ISA),
        default='native',
        help='kernels the trainings may use: native (the fastest this CPU '
        'has; the release) or avx2 (the same on every x86-64 CPU with AVX2); '
        'see CPU_ISA')
    p.add_argument(
        '--zoo-root',
        default=ROOT,
        help='folder with model-index.yml and configs/ (default: this '
        'repository)')
    p.add_argument(
        '--figures-dir',
        default=osp.join(ROOT, 'docs', 'model_zoo'),
        help='learning curves and confusion matrices (PNG)')
    p.add_argument(
        '--results',
        default=osp.join(render_tables.RESULTS, 'model_zoo.json'),
        help='the result JSON rendered into model_zoo.md')
    return p.parse_args(argv)


def config_of(name, zoo_root=ROOT):
    return osp.join(zoo_root, 'configs', ZOO[name]['folder'], name + '.py')


def data_options(a, data):
    if data is None:
        return []
    root = osp.join(
        osp.abspath(a.neu_root if data == 'neu' else a.mt_root), '')
    return [
        f'{split}_dataloader.dataset.data_root={root}'
        for split in ('train', 'val', 'test')
    ]


def dependencies(name, zoo_root=ROOT):
    """Zoo models ``name``'s config starts from (``zoo://OTHER`` anywhere
    in the merged config, its ``_base_`` files included)."""
    from mmengine.config import Config

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                yield from strings(value)

    cfg = Config.fromfile(config_of(name, zoo_root))
    found = set(strings(cfg.to_dict()))
    return [
        other for other in ZOO if any(
            s.startswith(f'zoo://{other}') for s in found)
    ]


def child_process(cmd, log_file, capture=False):
    """Run ``python CMD`` in a child process in this repository (the
    environment of this one: ``OMP_NUM_THREADS=1``), its output appended to
    the open ``log_file`` (``capture``: stdout returned instead, stderr
    logged). Returns ``(exit status, stdout or None)``."""
    proc = subprocess.run([PY, *cmd],
                          cwd=ROOT,
                          stdout=subprocess.PIPE if capture else log_file,
                          stderr=log_file if capture else subprocess.STDOUT,
                          text=True)
    return proc.returncode, proc.stdout


#: How :func:`run_tool` runs a tool: ``launch(cmd, log_file, capture) ->
#: (exit status, stdout or None)``; a child process per tool (tests put an
#: in-process one here).
launch = child_process


def run_tool(script, args, log, capture=False):
    """Run ``python SCRIPT ARGS`` (``script``: a path in this repository,
    ``tools/train.py``) through :data:`launch`, the command line and its
    output appended to ``log``. Returns the seconds it took, or with
    ``capture`` its stdout (stderr logged); a non-zero exit status raises
    ``RuntimeError``."""
    cmd = [script, *args]
    t0 = time.time()
    with open(log, 'a') as f:
        f.write('+ ' + ' '.join([PY, *cmd]) + '\n')
        f.flush()
        status, out = launch(cmd, f, capture)
    if status:
        raise RuntimeError(f'failed ({status}): {" ".join([PY, *cmd])}; '
                           f'see {log}')
    return out if capture else time.time() - t0


def last_json(work_dir):
    """The metrics of the newest run in ``work_dir`` (mmengine's
    ``<timestamp>/<timestamp>.json``)."""
    files = sorted(glob.glob(osp.join(work_dir, '*', '[0-9]*_[0-9]*.json')))
    if not files:
        raise RuntimeError(f'no metrics JSON in {work_dir}')
    with open(files[-1]) as f:
        return json.loads(f.read().strip().splitlines()[-1])


class Builder:
    """Builds entries; lanes share it (metafile / state writes are locked)."""

    def __init__(self, a, names):
        self.a = a
        self.mine = names
        self.lock = threading.Lock()
        self.state_file = osp.join(a.work_dir, 'state.json')
        self.state = {}
        if osp.isfile(self.state_file):
            with open(self.state_file) as f:
                self.state = json.load(f)

    def say(self, name, msg):
        print(f'[{time.strftime("%H:%M:%S")}] {name}: {msg}', flush=True)

    def save(self):
        """Write the state file, keeping the entries another build process
        (``--only``) wrote meanwhile."""
        with self.lock:
            state = {}
            if osp.isfile(self.state_file):
                with open(self.state_file) as f:
                    state = json.load(f)
            state.update(
                {n: self.state[n]
                 for n in self.mine if n in self.state})
            tmp = self.state_file + '.tmp'
            with open(tmp, 'w') as f:
                json.dump(state, f, indent=1)
            os.replace(tmp, self.state_file)
            self.state = state

    def test(self, name, ckpt, test_wd, out=None, args=None):
        spec = ZOO[name]
        cfg = config_of(name, self.a.zoo_root)
        opts = data_options(self.a, spec['data'])
        args = spec.get('test_args', []) if args is None else args
        run_tool('tools/test.py', [cfg, ckpt, '--work-dir', test_wd] + args +
                 (['--out', out] if out else []) +
                 (['--cfg-options', *opts] if opts else []), self.log(name))
        metrics = last_json(test_wd)
        scale = spec.get('scale', 1)
        keys = [spec['metric'][0], *spec.get('also', {})]
        return {k: round(scale * float(metrics[k]), 2) for k in keys}

    def log(self, name):
        return osp.join(self.a.work_dir, name, 'build.log')

    def publish(self, name, src, fp16):
        for old in glob.glob(osp.join(self.a.release_dir, name + '_*.pth')):
            os.remove(old)
        args = [
            src,
            osp.join(self.a.release_dir, name + '.pth'), '--json', '--date',
            self.a.date
        ] + (['--fp16'] if fp16 else [])
        out = run_tool(
            'tools/misc/publish_model.py', args, self.log(name), capture=True)
        return json.loads(out.strip().splitlines()[-1])

    def build(self, name):
        a, spec = self.a, ZOO[name]
        wd = osp.join(a.work_dir, name)
        os.makedirs(wd, exist_ok=True)
        cfg = config_of(name, a.zoo_root)
        entry = self.state.setdefault(name, {})
        last = (f'epoch_{spec["epochs"]}.pth'
                if 'epochs' in spec else f'iter_{spec["iters"]}.pth')
        ckpt = osp.join(wd, last)
        if not osp.isfile(ckpt):
            self.say(name, 'training')
            opts = data_options(a, spec['data']) + spec.get('options', [])
            args = [cfg, '--work-dir', wd]
            if opts:
                args += ['--cfg-options', *opts]
            entry['train_s'] = round(
                run_tool('tools/train.py', args, self.log(name)), 1)
        src = ckpt
        if spec['task'] == 'classification':
            src = osp.join(wd, 'with_ood.pth')
            if not osp.isfile(src):
                run_tool('tools/misc/fit_ood.py', [
                    cfg, ckpt, '--out', src, '--cfg-options',
                    *data_options(a, spec['data'])
                ], self.log(name))
        self.say(name, 'testing the fp32 checkpoint')
        entry['fp32'] = self.test(name, src, osp.join(wd, 'test_fp32'))
        key = spec['metric'][0]
        for fp16 in (True, False):
            entry.update(self.publish(name, src, fp16))
            entry['dtype'] = 'fp16' if fp16 else 'fp32'
            with self.lock:
                write_metafile_entry(name, entry, a.zoo_root)
            self.say(name, f'testing the published {entry["dtype"]} file')
            out = osp.join(wd, 'test_published.pkl')
            if osp.exists(out):  # this build's own, from a former run
                os.remove(out)
            entry['metrics'] = self.test(name, f'zoo://{name}',
                                         osp.join(wd, 'test'), out)
            moved = abs(entry['metrics'][key] - entry['fp32'][key])
            if moved <= FP16_TOLERANCE:
                break
            self.say(name, f'fp16 moved {key} by {moved:.2f}: fp32 it is')
        entry['metric'] = entry['metrics'][key]
        if spec.get('test_args'):  # the published file tested without them
            entry['plain'] = self.test(
                name, f'zoo://{name}', osp.join(wd, 'test_plain'), args=[])
        else:
            entry.pop('plain', None)
        with self.lock:
            write_metafile_entry(name, entry, a.zoo_root)
        self.figures(name, wd, out)
        self.save()
        self.say(
            name, f'{spec["metric"][1]} {entry["metric"]} '
            f'(bar {spec["metric"][2]}), {entry["file"]}')
        return entry

    def figures(self, name, wd, preds):
        """Learning curve (+ confusion matrix) PNGs of ``name``."""
        from defectzoo.visualization.learning_curve import save_learning_curve
        spec, entry = ZOO[name], self.state[name]
        os.makedirs(self.a.figures_dir, exist_ok=True)
        key, label, bar = spec['metric']
        curve = osp.join(self.a.figures_dir, f'{name}_curve.png')
        entry['curve'] = save_learning_curve(
            wd,
            key,
            curve,
            title=f'{name}\nvalidation {label} (bar {bar} on test)',
            metric_label=f'val {label}',
            scale=spec.get('scale', 1))
        if spec['task'] == 'classification':
            from mmpretrain.evaluation import ConfusionMatrix

            from defectzoo.evaluation.kfold import plot_confusion
            with open(preds, 'rb') as f:
                samples = pickle.load(f)
            classes = published_classes(entry['file'])
            matrix = ConfusionMatrix.calculate(
                [int(s['pred_label']) for s in samples],
                [int(s['gt_label']) for s in samples],
                num_classes=len(classes))
            plot_confusion(
                matrix.numpy(),
                classes,
                osp.join(self.a.figures_dir, f'{name}_confusion.png'),
                title=f'{name} (test split, published file)')
            entry['confusion'] = matrix.tolist()


def published_classes(file):
    """The class names stored in a published checkpoint."""
    from defectzoo.utils.checkpoint import load_from_local
    return list(
        load_from_local(file, 'cpu')['meta']['dataset_meta']['classes'])


def write_metafile_entry(name, entry, zoo_root=ROOT):
    """Set Weights / Weights SHA256 / Results of ``name`` in its metafile
    (text edit of that entry only, so comments elsewhere stay)."""
    from defectzoo.utils.zoo import DEFAULT_BASE_URL, SHA256_KEY
    spec = ZOO[name]
    path = osp.join(zoo_root, 'configs', spec['folder'], 'metafile.yml')
    with open(path) as f:
        text = f.read()
    url = DEFAULT_BASE_URL + osp.basename(entry['file'])
    lines = [
        f'  - Name: {name}',
        f'    In Collection: {spec.get("collection", "Model zoo")}',
        f'    Config: {osp.relpath(config_of(name, zoo_root), zoo_root)}',
        '    Metadata:',
        f'      Training Data: {spec["dataset"].split(" (")[0]}',
        f'      Epochs: {spec["epochs"]}'
        if 'epochs' in spec else f'      Iterations: {spec["iters"]}',
        f'      {SHA256_KEY}: {entry["sha256"]}',
        f'      Weights Size: {entry["size"]}',
        f'      Weights Precision: {entry.get("dtype", "fp32")}',
    ]
    if entry.get('metrics'):
        key, label, _ = spec['metric']
        names = {key: label, **spec.get('also', {})}
        lines += [
            '    Results:', f'      - Task: {TASK_NAMES[spec["task"]]}',
            f'        Dataset: {spec["dataset"]}', '        Metrics:'
        ] + [
            f'          {names[k]}: {v}' for k, v in entry['metrics'].items()
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


def write_release_index(a, state):
    """``SHA256SUMS`` and ``manifest.json`` of ``--release-dir``: only what
    the build determines (no times, hosts or paths)."""
    entries = sorted(
        (n, e) for n, e in state.items() if n in ZOO and 'sha256' in e)
    with open(osp.join(a.release_dir, 'SHA256SUMS'), 'w') as f:
        for name, e in sorted(entries, key=lambda x: x[1]['file']):
            f.write(f'{e["sha256"]}  {osp.basename(e["file"])}\n')
    models = []
    for name, e in entries:
        spec = ZOO[name]
        models.append(
            dict(
                name=name,
                file=osp.basename(e['file']),
                sha256=e['sha256'],
                size=e['size'],
                dtype=e.get('dtype', 'fp32'),
                config=osp.relpath(config_of(name, a.zoo_root), a.zoo_root),
                task=spec['task'],
                test_data=spec['dataset'],
                metrics=e.get('metrics', {})))
    manifest = dict(release=a.date, build_command=BUILD_COMMAND, models=models)
    with open(osp.join(a.release_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write('\n')


def measure(a, name, file, runs=10):
    """Parameters and the median single-thread time of ``model.test_step``
    on the first test image (preprocessing, forward, post-processing)."""
    import torch
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope, init_default_scope

    from defectzoo.apis import init_model
    from defectzoo.registry import DATASETS, MODELS
    torch.set_num_threads(1)
    spec = ZOO[name]
    cfg = Config.fromfile(config_of(name, a.zoo_root))
    dataset = cfg.test_dataloader.dataset
    if spec['data']:
        dataset.data_root = osp.join(
            osp.abspath(a.neu_root if spec['data'] == 'neu' else a.mt_root),
            '')
    elif not osp.isabs(dataset.data_root):  # as the tools see it
        dataset.data_root = osp.join(ROOT, dataset.data_root)
    model = init_model(cfg, file)
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    if '--tta' in spec.get('test_args', ()):  # as tested: every view
        from defectzoo.cli.tta import apply_tta
        apply_tta(cfg)
        dataset.pipeline = cfg.tta_pipeline
        tta = dict(cfg.tta_model)
        with DefaultScope.overwrite_default_scope('defectzoo'):
            model = MODELS.build(dict(tta, module=model)).eval()
    with DefaultScope.overwrite_default_scope('defectzoo'):
        dataset = DATASETS.build(dataset)
    batch = pseudo_collate([dataset[0]])
    times = []
    with torch.no_grad():
        for i in range(runs + 2):
            t0 = time.perf_counter()
            model.test_step(batch)
            if i >= 2:
                times.append(time.perf_counter() - t0)
    params = sum(p.numel() for p in model.parameters())
    return round(params / 1e6, 2), round(1000 * statistics.median(times), 1)


def cpu_kernels(cpu_isa):
    """The kernels of ``--cpu-isa`` on this CPU, in words."""
    if cpu_isa != 'native':
        return f'{cpu_isa.upper()} kernels (--cpu-isa {cpu_isa})'
    import torch
    return f'{torch.backends.cpu.get_cpu_capability()} kernels'


def write_results(a, state):
    rows = []
    for name, e in state.items():
        if name not in ZOO or 'metric' not in e:
            continue
        spec = ZOO[name]
        _, label, bar = spec['metric']
        also = ', '.join(f'{spec["also"][k]} {v}'
                         for k, v in e['metrics'].items()
                         if k in spec.get('also', {}))
        if e.get('plain'):
            also += (f'; without {" ".join(spec["test_args"])}: {label} '
                     f'{e["plain"][spec["metric"][0]]}')
            label += f' (`{" ".join(spec["test_args"])}`)'
        fig = osp.relpath(a.figures_dir, ROOT)
        pictures = f'[curve]({fig}/{name}_curve.png)' + (
            f', [confusion]({fig}/{name}_confusion.png)'
            if 'confusion' in e else '')
        rows.append([
            name, spec['dataset'], label, bar, e['metric'],
            e['fp32'][spec['metric'][0]], also,
            e.get('dtype'),
            e.get('params_m'), f'{e["size"] / 2**20:.1f} MiB',
            e.get('latency_ms'),
            round(e['train_s'] / 60, 1) if e.get('train_s') else None,
            pictures, e['sha256'][:8]
        ])
    return render_tables.write_result(
        'model_zoo',
        BUILD_COMMAND,
        machine=f'{platform.machine()} CPU, {os.cpu_count()} cores, '
        f'{cpu_kernels(a.cpu_isa)}; every training and latency on 1 thread '
        '(OMP_NUM_THREADS=1)',
        out=a.results,
        tables=dict(
            models=dict(
                columns=[
                    'model', 'test data', 'metric', 'bar', 'published', 'fp32',
                    'also', 'stored', 'params (M)', 'size', 'latency (ms)',
                    'train (min, 1 thread)', 'pictures', 'sha256'
                ],
                rows=rows,
                note='published = `tools/test.py CONFIG zoo://NAME` on the '
                'released file (`--tta`: the config\'s test-time '
                'augmentation, where the metric says so); fp32 = the '
                'same test on the checkpoint before half-precision '
                'storage; latency = median '
                '`model.test_step` on one test image (every view with '
                '`--tta`), one thread.')))


def main(argv=None):
    a = parse_args(argv)
    start = time.time()
    os.environ['OMP_NUM_THREADS'] = '1'  # also in the tools' processes
    os.environ['MKL_NUM_THREADS'] = '1'
    os.environ.update(CPU_ISA[a.cpu_isa])  # the tools' processes
    print(f'model zoo: {cpu_kernels(a.cpu_isa)}; a rebuild gives the same '
          'sha256 values on a CPU with the same kernels (--cpu-isa)')
    a.work_dir = osp.abspath(a.work_dir)
    a.zoo_root = osp.abspath(a.zoo_root)
    a.release_dir = osp.abspath(
        a.release_dir or osp.join(a.work_dir, 'release'))
    if not a.date:
        a.date = time.strftime('%Y%m%d', time.gmtime())
        print(f'--date not given: the files are named with {a.date}; give '
              f'--date {a.date} to rebuild this release')
    os.makedirs(a.release_dir, exist_ok=True)
    # zoo:// references between zoo models resolve to this build's files.
    os.environ['DEFECTZOO_ZOO_MIRROR'] = a.release_dir
    os.environ.setdefault('DEFECTZOO_CACHE', osp.join(a.work_dir, 'cache'))
    if a.zoo_root != ROOT:
        os.environ['DEFECTZOO_ZOO_INDEX'] = a.zoo_root
    names = a.only or list(ZOO)
    builder = Builder(a, names)
    lanes = [[n for n in names if ZOO[n]['lane'] % a.lanes == i]
             for i in range(a.lanes)]
    errors = []
    done = {name: threading.Event() for name in names}
    needs = {name: dependencies(name, a.zoo_root) for name in names}

    def lane(todo):
        for name in todo:
            for dep in needs[name]:
                if dep in done and not done[dep].is_set():
                    builder.say(name, f'waiting for {dep}')
                    done[dep].wait()
            try:
                builder.build(name)
            except Exception as e:  # the other lane goes on
                errors.append(f'{name}: {e}')
                builder.say(name, f'FAILED: {e}')
                for rest in todo[todo.index(name):]:
                    done[rest].set()  # nobody waits forever
                return
            finally:
                done[name].set()

    threads = [threading.Thread(target=lane, args=(t, )) for t in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = builder.state
    for name in names:  # alone on the machine now: time each model
        if 'file' in state.get(name, {}):
            state[name]['params_m'], state[name]['latency_ms'] = \
                measure(a, name, state[name]['file'])
    builder.save()
    write_release_index(a, state)
    write_results(a, state)
    built = sum('metric' in state.get(n, {}) for n in names)
    print(f'model zoo: {built} of {len(names)} built in '
          f'{(time.time() - start) / 60:.1f} min; release: {a.release_dir}')
    if errors:
        raise SystemExit('failed:\n  ' + '\n  '.join(errors))


if __name__ == '__main__':
    main()
