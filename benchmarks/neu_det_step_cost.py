"""Training-step cost of the NEU-DET detectors: why the zoo's is "lite".

The zoo build must fit two hours on a 2-core CPU, and its NEU-DET detector
is the longest training in it. This times one training step of each
candidate, side by side in one process: each config is built by the
mmengine ``Runner`` (model, optimiser wrapper; ``plugin_overhead.Side``),
then, after warm-up, rounds run every variant once (order rotated every
round, same torch seed per round) and time
``runner.model.train_step(batch, optim_wrapper)`` on one fixed batch of
random images with three boxes each (``plugin_overhead.det_batch``): data
preprocessor, forward, loss, backward, optimiser step. Process CPU time is
the clock (one thread: the work done, whatever else runs); wall time is
recorded too. ``ratio`` = median over rounds of the variant's CPU time over
the 192-px RTMDet-tiny's in the same round.

Writes ``benchmarks/results/neu_det_step_cost.json`` (table ``steps``,
rendered into model_zoo.md by ``benchmarks/render_tables.py``)::

    python benchmarks/neu_det_step_cost.py
"""
import argparse
import os
import os.path as osp
import platform
import statistics
import sys
import tempfile

import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402
from plugin_overhead import Side, det_batch  # noqa: E402

NEU_DET = osp.join(ROOT, 'configs', 'neu_det')
FULL = 'rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-192px'
LITE = 'rtmdet-lite_cspnext-tiny-neu-cls_1xb8-adamw-40e_neu-det-160px'
# variant -> (config, input side in px); the first is the reference. The
# model does not depend on the input side, so one config serves several.
VARIANTS = {
    'RTMDet-tiny, 192 px': (FULL, 192),
    'RTMDet-tiny, 160 px': (FULL, 160),
    'RTMDet-tiny, 128 px': (FULL, 128),
    'lite (64-ch neck / head, 1 stacked conv), 192 px': (LITE, 192),
    'lite (64-ch neck / head, 1 stacked conv), 160 px (zoo)': (LITE, 160),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument(
        '--rounds',
        type=int,
        default=10,
        help='timed steps per variant (interleaved)')
    p.add_argument(
        '--warmup',
        type=int,
        default=2,
        help='untimed steps per variant first')
    p.add_argument(
        '--batch', type=int, default=8, help='images per step (configs: 8)')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument(
        '--variants',
        nargs='+',
        choices=list(VARIANTS),
        default=list(VARIANTS),
        help="the first is the reference of the ratios")
    p.add_argument(
        '--out',
        default=osp.join(render_tables.RESULTS, 'neu_det_step_cost.json'))
    return p.parse_args(argv)


def time_variants(args, tmp):
    """``{variant: {'cpu': [...], 'wall': [...]}}`` and parameter counts."""
    sides, batches, params = {}, {}, {}
    for i, name in enumerate(args.variants):
        config, size = VARIANTS[name]
        sides[name] = Side(
            osp.join(NEU_DET, config + '.py'), osp.join(tmp, str(i)))
        batches[name] = det_batch(args.batch, size)
        params[name] = sum(p.numel()
                           for p in sides[name].runner.model.parameters())
    for i in range(args.warmup):
        for name in args.variants:
            sides[name].step(batches[name], i)
    times = {name: dict(cpu=[], wall=[]) for name in args.variants}
    for r in range(args.rounds):
        k = r % len(args.variants)
        for name in args.variants[k:] + args.variants[:k]:
            cpu, wall = sides[name].step(batches[name], 1000 + r)
            times[name]['cpu'].append(cpu)
            times[name]['wall'].append(wall)
        print(
            f'round {r + 1}/{args.rounds}: ' +
            ', '.join(f'{n.split(",")[0]} {VARIANTS[n][1]} px '
                      f'{times[n]["cpu"][-1]:.2f} s' for n in args.variants),
            flush=True)
    return times, params


def rows_of(args, times, params):
    ref = args.variants[0]
    rows = []
    for name in args.variants:
        config, size = VARIANTS[name]
        ratio = statistics.median(
            a / b for a, b in zip(times[name]['cpu'], times[ref]['cpu']))
        rows.append([
            name, f'{args.batch} x {size} px', f'{params[name] / 1e6:.2f}',
            round(statistics.median(times[name]['cpu']), 3),
            round(statistics.median(times[name]['wall']), 3),
            round(ratio, 2), f'`{config}`'
        ])
    return rows


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        times, params = time_variants(args, tmp)
    path = render_tables.write_result(
        'neu_det_step_cost',
        'python benchmarks/neu_det_step_cost.py ' +
        ' '.join(sys.argv[1:] if argv is None else argv),
        out=args.out,
        machine=f'{os.cpu_count()}-core CPU ({platform.machine()}), '
        f'{args.threads} thread(s), torch {torch.__version__}',
        args=vars(args),
        tables=dict(
            steps=dict(
                columns=[
                    'detector', 'batch', 'params (M)', 'CPU s/step',
                    'wall s/step', f'vs {args.variants[0]}', 'config'
                ],
                rows=rows_of(args, times, params),
                note=(f'Median process CPU seconds per `train_step` '
                      '(preprocess, forward, loss, backward, AdamW step) '
                      f'over {args.rounds} interleaved rounds after '
                      f'{args.warmup} warm-up steps, random images with '
                      'three boxes each; the ratio is the median of the '
                      'per-round ratios of CPU time.'))),
        times=times)
    print(render_tables.render(render_tables.load(path), 'steps'))
    return path


if __name__ == '__main__':
    main()
