"""How the inspection report scales to a production day: for fake runs of
``--sizes`` images (detections, OOD scores, one skipped image in 200,
thumbnails hard links to one file), the time and peak memory of writing
the outputs from ``results.jsonl`` (a fresh process each), and, when
``chromium`` is on PATH, the time headless chromium takes to show the
first page of rows and the memory it uses.

    python benchmarks/report_scale.py --sizes 1000 10000 50000

Bars: 50,000 images -> the page shows its rows in <= 5 s with <= 300 MB,
writing it peaks at <= 1.5 GB RSS.
"""
import argparse
import json
import os
import os.path as osp
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

CLASSES = ('crack', 'pore', 'inclusion', 'scratch')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[1000, 10000])
    p.add_argument('--no-browser', action='store_true')
    p.add_argument(
        '--shared-machine',
        action='store_true',
        help='say in the result that other jobs ran beside it')
    p.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results', 'report_scale.json'))
    p.add_argument('--write-only', metavar='RUN_DIR', help=argparse.SUPPRESS)
    return p.parse_args(argv)


def fake_run(out_dir: str, n: int, seed: int = 0) -> None:
    """``run.json``, ``results.jsonl`` and ``thumbs/`` of a run of ``n``
    images of a four-class detector with OOD statistics."""
    import numpy as np

    from defectzoo.apis.report import write_thumbnail
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(out_dir, 'thumbs'), exist_ok=True)
    with open(osp.join(out_dir, 'run.json'), 'w') as f:
        json.dump(
            dict(
                model=dict(
                    task='detection',
                    classes=list(CLASSES),
                    weights='fake.pth',
                    score_thr=0.5,
                    ood_threshold=1.0)), f)
    one = osp.join(out_dir, 'thumbs', 'one.jpg')
    write_thumbnail(rng.integers(0, 256, (96, 128, 3), np.uint8), one)
    scores, labels = rng.beta(0.6, 2.5, n), rng.integers(0, len(CLASSES), n)
    with open(osp.join(out_dir, 'results.jsonl'), 'w') as f:
        for k in range(n):
            name = (f'/data/line{k % 3}/2026-12-06/cam{k % 4}/'
                    f'part_{k:06d}.png')
            if k % 200 == 199:
                rec = dict(input=name, error=f'{name}: truncated image')
            else:
                c, s = CLASSES[labels[k]], round(float(scores[k]), 4)
                boxes = [
                    dict(
                        bbox=[10.0, 20.0, 40.0, 60.0],
                        score=s,
                        label=int(labels[k]),
                        class_name=c)
                ] if s >= 0.5 else []
                ood = round(float(rng.gamma(2, 0.2)), 3)
                rec = dict(
                    input=name,
                    task='detection',
                    pred_class=c if boxes else None,
                    pred_score=s if boxes else None,
                    boxes=boxes,
                    num_boxes=len(boxes),
                    defect_score=s,
                    verdict='defect' if boxes else 'OK',
                    ood=dict(score=ood, threshold=1.0, flag=ood > 1.0),
                    overlay=f'overlays/part_{k:06d}.png',
                    thumb=k)
                os.link(one, osp.join(out_dir, 'thumbs', f'{k}.jpg'))
            f.write(json.dumps(rec) + '\n')


def _hwm_mb() -> float:
    """This process's peak RSS, MiB (VmHWM: unlike ``ru_maxrss`` not
    inherited from the parent across fork + exec)."""
    with open('/proc/self/status') as f:
        return next(int(x.split()[1]) for x in f if x.startswith('VmHWM:')) \
            / 1024


def write_only(run_dir: str) -> dict:
    """Write the outputs of ``run_dir`` in this process: seconds, peak RSS
    before (imports) and after; then again under tracemalloc: the peak of
    Python's allocations."""
    import tracemalloc

    from defectzoo.apis.report import write_outputs
    base = _hwm_mb()
    t0 = time.perf_counter()
    write_outputs(run_dir)
    seconds, peak = time.perf_counter() - t0, _hwm_mb()
    tracemalloc.start()
    write_outputs(run_dir)
    return dict(
        write_s=round(seconds, 2),
        base_rss_mb=round(base),
        peak_rss_mb=round(peak),
        py_peak_mb=round(tracemalloc.get_traced_memory()[1] / 2**20, 1))


def _read(path: str) -> str:
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return ''


def _tree_pss_mb(root: int):
    """PSS of ``root`` and its descendants and of its renderers, MiB."""
    parent = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        stat = _read(f'/proc/{pid}/stat').rsplit(')', 1)[-1].split()
        if len(stat) > 1:
            parent[int(pid)] = int(stat[1])
    tree, grew = {root}, True
    while grew:
        new = {p for p, pp in parent.items() if pp in tree} - tree
        tree, grew = tree | new, bool(new)
    total = renderer = 0
    for pid in tree:
        kb = re.search(r'^Pss:\s+(\d+)', _read(f'/proc/{pid}/smaps_rollup'),
                       re.M)
        kb = int(kb[1]) if kb else 0
        total += kb
        if '--type=renderer' in _read(f'/proc/{pid}/cmdline'):
            renderer += kb
    return total / 1024, renderer / 1024


def open_in_chromium(page: str, exe: str) -> dict:
    """Headless chromium on ``page`` until the DOM is dumped: seconds,
    time to the first rows and JS heap (the page's ``data-render-ms`` /
    ``data-heap-mb``), peak PSS of all its processes and of the page's
    renderer."""
    cmd = [
        exe, '--headless', '--no-sandbox', '--disable-gpu',
        '--enable-precise-memory-info', '--dump-dom', page
    ]
    t0, peak, peak_renderer = time.perf_counter(), 0.0, 0.0
    with tempfile.TemporaryFile() as dom:
        proc = subprocess.Popen(cmd, stdout=dom, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            total, renderer = _tree_pss_mb(proc.pid)
            peak, peak_renderer = max(peak,
                                      total), max(peak_renderer, renderer)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        dom.seek(0)
        head = dom.read(4096).decode('utf-8', 'replace')
    ms = re.search(r'data-render-ms="(\d+)"', head)
    heap = re.search(r'data-heap-mb="(\d+)"', head)
    return dict(
        chromium_s=round(wall, 2),
        render_s=round(int(ms[1]) / 1000, 2) if ms else None,
        heap_mb=int(heap[1]) if heap else None,
        renderer_mb=round(peak_renderer),
        browser_mb=round(peak))


def measure(n: int, exe) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        fake_run(tmp, n)
        out = subprocess.run([sys.executable, __file__, '--write-only', tmp],
                             check=True,
                             capture_output=True,
                             text=True,
                             env=dict(os.environ, OMP_NUM_THREADS='1'))
        w = json.loads(out.stdout.strip().splitlines()[-1])
        b = open_in_chromium('file://' +
                             osp.join(tmp, 'report.html'), exe) if exe else {}

        def mib(name):
            return round(osp.getsize(osp.join(tmp, name)) / 2**20, 2)

        return [
            n,
            mib('results.jsonl'), w['write_s'], w['peak_rss_mb'],
            w['base_rss_mb'], w['py_peak_mb'],
            round(osp.getsize(osp.join(tmp, 'report.html')) / 1024, 1),
            mib('report_data.js'),
            b.get('render_s'),
            b.get('heap_mb'),
            b.get('renderer_mb'),
            b.get('browser_mb'),
            b.get('chromium_s')
        ]


def main(argv=None):
    a = parse_args(argv)
    if a.write_only:
        print(json.dumps(write_only(a.write_only)))
        return None
    exe = None if a.no_browser else shutil.which('chromium')
    rows = [measure(n, exe) for n in a.sizes]
    blank = open_in_chromium('about:blank', exe) if exe else {}
    browser = 'headless chromium ' + subprocess.run(
        [exe, '--version'], capture_output=True,
        text=True).stdout.split()[1] if exe else 'no browser'
    path = render_tables.write_result(
        'report_scale',
        'python benchmarks/report_scale.py ' +
        ' '.join(argv if argv is not None else sys.argv[1:]),
        out=a.out,
        machine=f'{platform.machine()} CPU, 1 thread, {browser}' +
        (', machine shared with other jobs' if a.shared_machine else ''),
        tables=dict(
            scale=dict(
                columns=[
                    'images', 'results.jsonl (MiB)', 'write outputs (s)',
                    'peak RSS writing (MiB)', 'of it imports (MiB)',
                    'Python peak alloc. (MiB)', 'report.html (KiB)',
                    'report_data.js (MiB)', 'page: first rows shown (s)',
                    'page: JS heap (MiB)', 'page: renderer PSS (MiB)',
                    'chromium PSS, all processes (MiB)',
                    'chromium start to DOM dump (s)'
                ],
                rows=rows,
                note='Fake detection runs (`fake_run`: four classes, OOD '
                'scores, one skipped image in 200); writing = '
                '`defectzoo.apis.report.write_outputs` (summary.csv, '
                'results.json, report_data.js, report.html) in a fresh '
                'process, after importing defectzoo.apis (torch, mmdet, ...: '
                'the RSS before writing); Python peak = tracemalloc in a '
                'second, untimed pass; the page is opened '
                'from disk (`--dump-dom`), first rows = `performance.now()` '
                'after the first page of 50 rows is rendered; PSS = peak '
                'proportional set size (shared pages split), sampled every '
                f'50 ms (about:blank: renderer {blank.get("renderer_mb")} '
                f'MiB, all processes {blank.get("browser_mb")} MiB). Bars '
                'for 50,000 images: page <= 5 s and <= 300 MB, writing <= '
                '1.5 GB.')))
    result = render_tables.load(path)
    print(render_tables.render(result, 'scale'))
    return result


if __name__ == '__main__':
    main()
