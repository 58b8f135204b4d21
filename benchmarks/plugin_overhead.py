"""Plugin overhead: a training iteration of a defectzoo config against the
stock mmpretrain / mmdet config of the same model, side by side.

Each pair of configs lives in ``configs/xray/benchmarks/``: our config
(``default_scope='defectzoo'``, defectzoo's registries and modules) and the
library's own config set to the same model (``default_scope='mmpretrain'`` /
``'mmdet'``, nothing of defectzoo). Both are built by the mmengine
``Runner`` (model, optimiser wrapper) in one process; then, after warm-up,
rounds alternate the two (order flipped every round, same torch seed per
round) and time ``runner.model.train_step(batch, runner.optim_wrapper)`` on
one identical, fixed batch: data preprocessor, forward, loss, backward and
optimiser step. Process CPU time is the main clock (with one thread it is
the work done, whatever else runs on the machine); wall time is recorded
too. The ratio is the median over rounds of the per-round ratio
defectzoo / stock (target <= 1.03).

Writes ``benchmarks/results/plugin_overhead.json`` (table ``overhead``,
rendered into CONTRIBUTING.md by ``benchmarks/render_tables.py``)::

    python benchmarks/plugin_overhead.py
"""
import argparse
import os
import os.path as osp
import platform
import statistics
import sys
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

BENCH = osp.join(ROOT, 'configs', 'xray', 'benchmarks')
PAIRS = {
    'SimMIM Swin-T (w12)':
    ('simmim', 'simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_xray-overhead-'
     'defectzoo-192px.py', 'simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_'
     'xray-overhead-mmpretrain-192px.py'),
    'Faster R-CNN R50-FPN':
    ('det', 'faster-rcnn-fpn_r50_8xb2-sgd-1x_xray-overhead-defectzoo-512px.py',
     'faster-rcnn-fpn_r50_8xb2-sgd-1x_xray-overhead-mmdet-512px.py'),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument(
        '--rounds',
        type=int,
        default=12,
        help='timed iterations per config (interleaved)')
    p.add_argument(
        '--warmup',
        type=int,
        default=2,
        help='untimed iterations per config first')
    p.add_argument('--simmim-batch', type=int, default=2)
    p.add_argument('--det-batch', type=int, default=2)
    p.add_argument(
        '--det-size', type=int, default=256, help='detector input side (px)')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument(
        '--models', nargs='+', choices=list(PAIRS), default=list(PAIRS))
    p.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results',
                         'plugin_overhead.json'))
    return p.parse_args()


def simmim_batch(n, size=192):
    """n random 192 px images with SimMIM masks (mmpretrain's generator)."""
    from mmengine.dataset import default_collate
    from mmpretrain.datasets.transforms import PackInputs, SimMIMMaskGenerator
    rng = np.random.default_rng(0)
    mask = SimMIMMaskGenerator(
        input_size=size,
        mask_patch_size=32,
        model_patch_size=4,
        mask_ratio=0.6)
    pack = PackInputs()
    samples = []
    for _ in range(n):
        img = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        samples.append(pack(mask(dict(img=img))))
    # collated as the SimMIM configs' dataloaders do (default_collate)
    return default_collate(samples)


def det_batch(n, size):
    """n random size x size images with 3 boxes of classes 0/1 each."""
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData
    g = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(n):
        inputs.append(
            torch.randint(
                0, 256, (3, size, size), dtype=torch.uint8, generator=g))
        xy = torch.rand(3, 2, generator=g) * size * 0.6
        wh = torch.rand(3, 2, generator=g) * size * 0.3 + 16
        sample = DetDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                scale_factor=(1., 1.)))
        sample.gt_instances = InstanceData(
            bboxes=torch.cat([xy, xy + wh], 1), labels=torch.tensor([0, 1, 0]))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)  # pseudo_collate


class Side:
    """One config built by the Runner, ready to time a train_step."""

    def __init__(self, path, work_dir):
        cfg = Config.fromfile(path)
        cfg.work_dir = work_dir
        cfg.load_from, cfg.resume = None, False
        cfg.log_level = 'WARNING'  # no environment dump per Runner
        self.scope = cfg.default_scope
        self.runner = Runner.from_cfg(cfg)
        self.optim = self.runner.build_optim_wrapper(cfg.optim_wrapper)
        self.runner.model.train()

    def step(self, batch, seed):
        torch.manual_seed(seed)
        with DefaultScope.overwrite_default_scope(self.scope):
            wall, cpu = time.perf_counter(), time.process_time()
            losses = self.runner.model.train_step(batch, self.optim)
            cpu, wall = (time.process_time() - cpu, time.perf_counter() - wall)
        assert all(torch.isfinite(v).all() for v in losses.values()), losses
        return cpu, wall


def time_pair(name, args, tmp):
    kind, ours_cfg, stock_cfg = PAIRS[name]
    batch = (
        simmim_batch(args.simmim_batch) if kind == 'simmim' else det_batch(
            args.det_batch, args.det_size))
    ours = Side(osp.join(BENCH, ours_cfg), osp.join(tmp, 'ours'))
    stock = Side(osp.join(BENCH, stock_cfg), osp.join(tmp, 'stock'))
    assert sum(p.numel() for p in ours.runner.model.parameters()) == sum(
        p.numel() for p in stock.runner.model.parameters()), 'not one model'
    for i in range(args.warmup):
        ours.step(batch, i), stock.step(batch, i)
    times = {k: dict(cpu=[], wall=[]) for k in ('ours', 'stock')}
    for r in range(args.rounds):
        order = [('ours', ours), ('stock', stock)]
        for key, side in (order if r % 2 == 0 else order[::-1]):
            cpu, wall = side.step(batch, 1000 + r)
            times[key]['cpu'].append(cpu)
            times[key]['wall'].append(wall)
        print(
            f'{name} round {r + 1}/{args.rounds}: CPU s defectzoo '
            f'{times["ours"]["cpu"][-1]:.3f}, stock '
            f'{times["stock"]["cpu"][-1]:.3f}',
            flush=True)

    def med(key, clock='cpu'):
        return round(statistics.median(times[key][clock]), 3)

    def ratio(clock):
        return round(
            statistics.median(
                a / b
                for a, b in zip(times['ours'][clock], times['stock'][clock])),
            3)

    size = (f'{args.simmim_batch} x 192 px'
            if kind == 'simmim' else f'{args.det_batch} x {args.det_size} px')
    return [
        name, size, stock_cfg,
        med('stock'), ours_cfg,
        med('ours'),
        ratio('cpu'),
        ratio('wall')
    ], times


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    rows, raw = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            row, times = time_pair(name, args, osp.join(tmp, str(len(rows))))
            rows.append(row)
            raw[name] = times
    path = render_tables.write_result(
        'plugin_overhead',
        'python benchmarks/plugin_overhead.py ' + ' '.join(sys.argv[1:]),
        out=args.out,
        machine=f'{os.cpu_count()}-core CPU ({platform.machine()}), '
        f'{args.threads} thread(s), torch {torch.__version__}',
        args=vars(args),
        tables=dict(
            overhead=dict(
                columns=[
                    'model', 'batch', 'stock config', 'stock CPU s/iter',
                    'defectzoo config', 'defectzoo CPU s/iter',
                    'defectzoo / stock (CPU)', 'defectzoo / stock (wall)'
                ],
                rows=rows,
                note=(f'Median CPU seconds of the process per `train_step` '
                      f'(preprocess, forward, backward, optimiser step) over '
                      f'{args.rounds} interleaved rounds after {args.warmup} '
                      'warm-up iterations; ratios = median of the per-round '
                      'ratios, of CPU time (robust to other jobs on the '
                      'machine) and of wall time. Configs in '
                      '`configs/xray/benchmarks/`.'))),
        times=raw)
    print(render_tables.render(render_tables.load(path), 'overhead'))


if __name__ == '__main__':
    main()
