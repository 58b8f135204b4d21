"""Lightweight shop-floor models on NEU-CLS (Sampath et al., ICECET 2022):
teachers vs student alone vs distilled student, then FP32 vs INT8 vs
channel-pruned student.

Cut down to about 50 minutes of one CPU thread (see
configs/distill/benchmarks/_base_/neu-cls-100shot-64px.py): 64 px images, 100
training images per class, a few epochs, teachers from random
initialisation (no ImageNet weights offline). Every model is trained and
tested through tools/train.py and tools/test.py (accuracy from the JSON
mmengine writes), quantised by tools/deployment/quantize.py and exported by
tools/deployment/export_onnx.py. Latency is per image (batch 1), one
thread, median of ``--runs`` calls after ``--warmup`` calls.

    python benchmarks/lightweight.py \\
        --data-root ../shared/datasets/neu-det

Resumable: a stage whose output exists is not run again (``--force`` reruns
everything). Writes benchmarks/results/lightweight.json; then
``python benchmarks/render_tables.py`` updates configs/distill/README.md.
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import render_tables  # noqa: E402

BENCH = 'configs/distill/benchmarks/'
TEACHERS = {
    'ResNet-50 (teacher)': 'ce_r50_1xb32-adam-5e_neu-cls-100shot-64px',
    'VGG19-BN (teacher)': 'ce_vgg19bn_1xb32-adam-4e_neu-cls-100shot-64px',
}
STUDENT = 'ce_r18_1xb32-adam-6e_neu-cls-100shot-64px'
KD = 'kd_r18-from-r50-vgg19bn_1xb32-adam-6e_neu-cls-100shot-64px'
PRUNE = 'prune-50_r18_1xb32-adam-2e_neu-cls-100shot-64px'
METAFILE = 'configs/distill/metafile.yml'
PAPER_MODELS = {  # metafile model -> row label
    'ce_r18_1xb64-adam-100e_neu-cls-224px': 'ResNet-18 (baseline)',
    'kd_r18-from-r50-vgg19bn_1xb64-adam-100e_neu-cls-224px':
    'ResNet-18 KD (CNN + Swin teachers)',
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='../shared/datasets/neu-det')
    parser.add_argument('--work-dir', default='work_dirs/lightweight')
    parser.add_argument(
        '--calib',
        type=int,
        default=600,
        help='calibration images for INT8 (training set; 600: all of the '
        '100-shot subset)')
    parser.add_argument('--warmup', type=int, default=20)
    parser.add_argument('--runs', type=int, default=200)
    parser.add_argument('--force', action='store_true')
    parser.add_argument(
        '--only',
        nargs='+',
        metavar='STAGE',
        help='run only these stages (teachers, student, kd, '
        'pruned, deploy_teacher, deploy_student, deploy_kd, '
        'deploy_pruned); '
        'the others must have run')
    parser.add_argument('--out', default='benchmarks/results/lightweight.json')
    return parser.parse_args(argv)


def run(cmd, log):
    """Run ``cmd`` from the repository root, logging to ``log``; return
    the wall time in seconds."""
    print('$', ' '.join(cmd), flush=True)
    start = time.time()
    with open(log, 'w') as f:
        proc = subprocess.run(
            cmd, cwd=REPO, stdout=f, stderr=subprocess.STDOUT)
    if proc.returncode:
        raise RuntimeError(f'{cmd[1]} failed (exit {proc.returncode}); log '
                           f'{log}:\n{open(log).read()[-3000:]}')
    seconds = time.time() - start
    print(f'  {seconds:.0f} s (log {log})', flush=True)
    return seconds


def data_options(root):
    return [
        '--cfg-options', f'train_dataloader.dataset.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}'
    ]


def last_checkpoint(work):
    ckpts = sorted(
        glob.glob(osp.join(work, 'epoch_*.pth')),
        key=lambda p: int(p.rsplit('_', 1)[1][:-4]))
    return ckpts[-1] if ckpts else None


def stage(args, name, fn, key=None):
    """Run ``fn()`` unless ``<work>/<name>.json`` exists; return its dict."""
    done = osp.join(args.work_dir, f'{name}.json')
    if osp.isfile(done) and not args.force:
        return json.load(open(done))
    if args.only and (key or name) not in args.only:
        return None
    result = fn()
    with open(done, 'w') as f:
        json.dump(result, f, indent=1)
    return result


def train_and_test(args, config, test_config=None):
    """Train ``config`` (tools/train.py), test the checkpoint with
    ``test_config`` (tools/test.py); accuracy from mmengine's JSON."""
    work = osp.join(args.work_dir, config)
    cfg = osp.join(BENCH, config + '.py')
    seconds = run([sys.executable, 'tools/train.py', cfg, '--work-dir', work] +
                  data_options(args.data_root), osp.join(work + '.train.log'))
    ckpt = last_checkpoint(work)
    acc = test(args, test_config or config, ckpt, work + '_test')
    return dict(checkpoint=ckpt, accuracy=acc, train_seconds=seconds)


def test(args, config, ckpt, work):
    run([
        sys.executable, 'tools/test.py',
        osp.join(BENCH, config + '.py'), ckpt, '--work-dir', work
    ] + data_options(args.data_root), work + '.log')
    runs = sorted(glob.glob(osp.join(work, '*', '*.json')))
    metrics = json.load(open(runs[-1]))
    return metrics['accuracy/top1'] / 100


def latency_ms(fn, x, warmup, runs):
    import torch
    with torch.no_grad():
        for _ in range(warmup):
            fn(x)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - start)
    times.sort()
    return 1000 * times[len(times) // 2]


def ort_latency_ms(path, x, warmup, runs):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=['CPUExecutionProvider'])
    name = sess.get_inputs()[0].name
    feed = {name: x.numpy()}
    return latency_ms(lambda _: sess.run(None, feed), x, warmup, runs)


def deploy(args, name, config, ckpt, quantize):
    """Export to ONNX (and quantise); TorchScript sizes and latencies."""
    import torch

    from defectzoo.apis import init_model
    from defectzoo.deploy import DeployClassifier
    out = osp.join(args.work_dir, 'deploy', name)
    os.makedirs(out, exist_ok=True)
    cfg = osp.join(BENCH, config + '.py')
    result = {}
    if quantize:
        result['quantize_seconds'] = run([
            sys.executable, 'tools/deployment/quantize.py', cfg, ckpt,
            '--calib',
            str(args.calib), '--out', out
        ] + data_options(args.data_root), osp.join(out, 'quantize.log'))
        result['int8'] = json.load(open(osp.join(out, 'quantize.json')))
    onnx_path = osp.join(out, 'model.onnx')
    run([
        sys.executable, 'tools/deployment/export_onnx.py', cfg, ckpt, '--out',
        onnx_path, '--shape', '64', '64'
    ], osp.join(out, 'export_onnx.log'))
    result['onnx'] = json.load(open(onnx_path + '.json'))

    torch.set_num_threads(1)
    model = DeployClassifier(init_model(cfg, ckpt)).eval()
    x = torch.rand(1, 3, 64, 64) * 255
    ts_path = osp.join(out, 'model_fp32.pt')
    with torch.no_grad():
        torch.jit.save(torch.jit.freeze(torch.jit.trace(model, x)), ts_path)
    result['fp32_mb'] = osp.getsize(ts_path) / 2**20
    result['fp32_ms'] = latency_ms(model, x, args.warmup, args.runs)
    result['onnx_ms'] = ort_latency_ms(onnx_path, x, args.warmup, args.runs)
    result['params'] = sum(p.numel() for p in model.parameters())
    if quantize:
        int8 = torch.jit.load(osp.join(out, 'model_int8.pt'))
        result['int8_mb'] = osp.getsize(osp.join(out, 'model_int8.pt')) / 2**20
        result['int8_ms'] = latency_ms(int8, x, args.warmup, args.runs)
    return result


def main(argv=None):
    args = parse_args(argv)
    # one thread per job, also in the tools/train.py / test.py children
    os.environ['OMP_NUM_THREADS'] = '1'
    os.chdir(REPO)
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    res = {}
    for label, config in TEACHERS.items():
        res[label] = stage(
            args, config, lambda c=config: train_and_test(args, c), 'teachers')
    res['student'] = stage(args, STUDENT,
                           lambda: train_and_test(args, STUDENT), 'student')
    # The KD checkpoint is a plain ResNet-18: tested with the student config.
    res['kd'] = stage(args, KD, lambda: train_and_test(args, KD, STUDENT),
                      'kd')
    res['pruned'] = stage(args, PRUNE, lambda: train_and_test(args, PRUNE),
                          'pruned')
    # INT8 on a well-trained network too: the ResNet-50 teacher.
    teacher = list(TEACHERS)[0]
    res['deploy_teacher'] = stage(
        args, 'deploy_teacher', lambda: deploy(
            args,
            'teacher',
            TEACHERS[teacher],
            res[teacher]['checkpoint'],
            quantize=True))
    res['deploy_student'] = stage(
        args, 'deploy_student', lambda: deploy(
            args,
            'student',
            STUDENT,
            res['student']['checkpoint'],
            quantize=True))
    res['deploy_kd'] = res['kd'] and stage(
        args, 'deploy_kd', lambda: deploy(
            args, 'kd', STUDENT, res['kd']['checkpoint'], quantize=True))
    res['deploy_pruned'] = res['pruned'] and stage(
        args, 'deploy_pruned', lambda: deploy(
            args, 'pruned', PRUNE, res['pruned']['checkpoint'], quantize=False)
    )
    write(args, res, time.time() - start)


def _epochs(config):
    from mmengine.config import Config
    return Config.fromfile(osp.join(BENCH,
                                    config + '.py')).train_cfg['max_epochs']


def paper_table():
    import yaml
    with open(METAFILE) as f:
        meta = yaml.safe_load(f)
    rows = []
    for model in meta['Models']:
        if model['Name'] not in PAPER_MODELS:
            continue
        m = model['Paper Results'][0]['Metrics']
        label = PAPER_MODELS[model['Name']]
        rows.append([
            label, 'FP32', m['Top 1 Accuracy'], m['FP32 Size (MB)'],
            m['FP32 Latency (ms)'], 1.0
        ])
        rows.append([
            label, 'INT8', m['INT8 Top 1 Accuracy'], m['INT8 Size (MB)'],
            m['INT8 Latency (ms)'],
            m['FP32 Latency (ms)'] / m['INT8 Latency (ms)']
        ])
    teachers = meta['Collections'][0]['Metadata']['Paper Teachers']
    return dict(
        columns=[
            'model (paper)', 'precision', 'top-1', 'size (MB)',
            'CPU ms / image', 'speed-up'
        ],
        rows=rows,
        note=('Sampath et al., ICECET 2022, Tables 2-3 (TekErreka fasteners, '
              '224 px; from configs/distill/metafile.yml). Teachers: ' +
              ', '.join(f'{k} {v["Top 1 Accuracy"]}'
                        for k, v in teachers.items()) + '.'))


def _deploy_rows(label, acc, dep):
    int8 = dep['int8']
    return [
        [
            label, 'FP32', acc, dep['fp32_mb'], dep['fp32_ms'], dep['onnx_ms'],
            1.0
        ],
        [
            label, 'INT8', int8['accuracy'], dep['int8_mb'], dep['int8_ms'],
            None, dep['fp32_ms'] / dep['int8_ms']
        ],
    ]


def write(args, res, seconds):
    """benchmarks/results/lightweight.json from the stages that have run
    (a missing stage leaves its rows out, and says so)."""
    train_s = sum(r['train_seconds'] for r in res.values()
                  if r and 'train_seconds' in r)
    entries = [(label, cfg, res[label]) for label, cfg in TEACHERS.items()]
    entries += [('ResNet-18 alone', STUDENT, res['student']),
                ('ResNet-18 distilled (R50 + VGG19-BN)', KD, res['kd'])]
    missing = [label for label, _, r in entries if not r]
    distill = dict(
        columns=[
            'model', 'params (M)', 'epochs', 'NEU-CLS top-1',
            'train wall (min)'
        ],
        # The KD model's parameters are the student's (teachers frozen).
        rows=[[
            label,
            round(_params(STUDENT if cfg == KD else cfg) / 1e6, 2),
            _epochs(cfg), r['accuracy'], r['train_seconds'] / 60
        ] for label, cfg, r in entries if r],
        note=('NEU-CLS cut down for one CPU thread: 64 px, 100 training '
              'images per class, tested on the 360-image test split; all '
              'from random initialisation (no ImageNet weights offline); '
              'students: same data, epochs and optimiser; KD alpha = 1, '
              'T = 4. Wall times: one thread, the other core running '
              'another one-thread benchmark.' +
              (f' Not run yet: {", ".join(missing)}.' if missing else '')))
    ds, dk, dp = res['deploy_student'], res['deploy_kd'], res['deploy_pruned']
    dt = res['deploy_teacher']
    rows = _deploy_rows('ResNet-18 alone', res['student']['accuracy'], ds)
    if dk:
        rows += _deploy_rows('ResNet-18 distilled', res['kd']['accuracy'], dk)
    if dp:
        rows.append([
            f'ResNet-18 alone, 50 % channels pruned + {_epochs(PRUNE)} '
            'epochs', 'FP32', res['pruned']['accuracy'], dp['fp32_mb'],
            dp['fp32_ms'], dp['onnx_ms'], ds['fp32_ms'] / dp['fp32_ms']
        ])
    if dt:
        rows += _deploy_rows('(ResNet-50 teacher)',
                             res[list(TEACHERS)[0]]['accuracy'], dt)
    diffs = ', '.join(f'{d["onnx"]["max_abs_diff"]:.1e} ({name})'
                      for name, d in (('alone', ds), ('distilled', dk),
                                      ('pruned', dp)) if d)
    deploy_table = dict(
        columns=[
            'model', 'precision', 'top-1', 'size (MB)', 'PyTorch ms / image',
            'ONNX Runtime ms / image', 'speed-up vs FP32'
        ],
        rows=rows,
        note=(f'64 x 64 px, batch 1, one thread, median of {args.runs} runs '
              f'after {args.warmup} (the other core running another '
              'one-thread benchmark); sizes are TorchScript files; INT8: FX '
              f'graph-mode post-training quantisation, x86 backend, '
              f'{args.calib} training images for calibration, the output '
              'layer (head.fc) kept in FP32; INT8 top-1 '
              'by the config\'s test evaluator. Parameters: '
              f'{ds["params"] / 1e6:.2f} M' +
              (f', pruned {dp["params"] / 1e6:.2f} M' if dp else '') +
              f'. ONNX: the FP32 models, max |ONNX - PyTorch| = {diffs}.'))
    path = render_tables.write_result(
        'lightweight', 'OMP_NUM_THREADS=1 python benchmarks/lightweight.py '
        f'--data-root {args.data_root}',
        out=args.out,
        machine=f'{platform.machine()}, 2-core CPU, 1 thread per job',
        wall_seconds=dict(
            total_this_run=round(seconds), training=round(train_s)),
        raw=res,
        tables=dict(
            distillation=distill, deployment=deploy_table,
            paper=paper_table()))
    result = render_tables.load(path)
    for table in result['tables']:
        print(render_tables.render(result, table))


def _params(config):
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    import defectzoo  # noqa: F401
    from defectzoo.registry import MODELS
    cfg = Config.fromfile(osp.join(BENCH, config + '.py'))
    with DefaultScope.overwrite_default_scope('defectzoo'):
        model = MODELS.build(cfg.model)
    return sum(p.numel() for p in model.parameters())


if __name__ == '__main__':
    main()
