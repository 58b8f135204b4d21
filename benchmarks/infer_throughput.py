"""Throughput of ``tools/infer.py`` with the zoo's NEU classifier on
``--images`` (1,000) NEU images and ``--threads`` (2) CPU threads: model
loading, inference (reading, pipeline, forward, overlay drawing, OOD
score), and writing the report (HTML + CSV + JSON), from the timings the
tool writes into ``results.json``; plus the wall time of the whole command.

    python benchmarks/infer_throughput.py \\
        --neu-root NEU
"""
import argparse
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

NEU_CLS = 'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default=NEU_CLS)
    p.add_argument('--checkpoint', help='weights (default: the zoo file)')
    p.add_argument('--neu-root', default='data/neu-det/')
    p.add_argument('--images', type=int, default=1000)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--batch-sizes', type=int, nargs='+', default=[16])
    p.add_argument(
        '--shared-machine',
        action='store_true',
        help='say in the result that other jobs ran beside it')
    p.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'infer_throughput.json'))
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    images = sorted(os.listdir(osp.join(a.neu_root, 'IMAGES')))[:a.images]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = osp.join(tmp, 'images')
        os.makedirs(folder)
        for name in images:  # the first N of the sorted folder
            os.symlink(
                osp.abspath(osp.join(a.neu_root, 'IMAGES', name)),
                osp.join(folder, name))
        env = dict(
            os.environ,
            OMP_NUM_THREADS=str(a.threads),
            MKL_NUM_THREADS=str(a.threads),
            PYTHONPATH=ROOT)
        for bs in a.batch_sizes:
            out = osp.join(tmp, f'out_bs{bs}')
            cmd = [
                sys.executable,
                osp.join(ROOT, 'tools', 'infer.py'), a.model
            ] + ([a.checkpoint] if a.checkpoint else []) + [
                folder, '--out-dir', out, '--batch-size',
                str(bs), '--no-progress'
            ]
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - t0
            with open(osp.join(out, 'results.json')) as f:
                res = json.load(f)
            t = res['timing']
            size = osp.getsize(osp.join(out, 'report.html')) / 2**20
            rows.append([
                bs, res['summary']['predicted'], t['load_model_s'],
                t['inference_s'], t['images_per_s'], t['report_s'],
                round(size, 1),
                round(wall, 1)
            ])
    path = render_tables.write_result(
        'infer_throughput',
        'python benchmarks/infer_throughput.py --neu-root NEU',
        out=a.out,
        machine=f'{platform.machine()} CPU, {a.threads} threads '
        '(OMP_NUM_THREADS)' + (', machine shared with other jobs' if
                               a.shared_machine else ', nothing else running'),
        tables=dict(
            throughput=dict(
                columns=[
                    'batch size', 'images', 'load model (s)', 'inference (s)',
                    'images/s', 'report (s)', 'report.html (MiB)',
                    'wall, whole command (s)'
                ],
                rows=rows,
                note=f'`tools/infer.py {a.model} FOLDER --out-dir D` on the '
                f'first {a.images} NEU images (200 px JPEG), zoo weights from '
                'the cache; inference includes reading, the test pipeline, '
                'the '
                'forward pass, the OOD score and drawing + writing one '
                'overlay PNG + thumbnail per image; report = HTML + '
                'report_data.js + CSV + JSON.')))
    result = render_tables.load(path)
    print(render_tables.render(result, 'throughput'))
    return result


if __name__ == '__main__':
    main()
