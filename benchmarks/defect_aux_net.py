"""Defect-Aux-Net vs the three single-task networks, and its attention
ablation (Sampath et al., IEEE TII 2023, Tables IV and VI).

Three parts, every model built from a repo config (``configs/defect_aux_net``)
and run by the mmengine ``Runner``:

``latency``
    Parameters and single-thread CPU time per image (``model.test_step`` on
    one 600 x 600 image: preprocessing, forward, NMS, mask resizing; median
    of ``--runs`` after ``--warmup``) of the full-size configs: Defect-Aux-Net
    (ResNet-50 + SE + SA, FPN, three heads) against the *sum* of the
    cls-only ResNet-50, the seg-only R50-FPN and the det-only RetinaNet
    R50-FPN; parameters of the four attention variants.
``train``
    Accuracy / precision / recall / F1, defect Dice / IoU, mAP@0.5 and COCO
    AP on the real magnetic-tile data: the multi-task network, the three
    single-task networks and the three other attention variants, trained
    with the same budget through ``Runner.train()`` and tested with
    ``Runner.test()``; the metrics are read from the JSON mmengine writes
    (``<work-dir>/<config>/<timestamp>/<timestamp>.json``). The budget is cut
    down to about 40 minutes of one CPU thread (the configs under
    ``configs/defect_aux_net/benchmarks/`` say how: quarter-width
    ResNet-50, 128 px, 40 images per defect folder + 160 defect-free, 8
    epochs, no ImageNet weights). Finished runs are kept (``result.json``
    in their work dir) and skipped when the benchmark is run again.
``zoo``
    The same four-way comparison at a budget where the networks learn:
    Defect-Aux-Net's three heads and the three single-task networks on the
    zoo's CPU backbone (CSPNeXt-tiny from the zoo's NEU-CLS classifier),
    192 px, the whole training split, 16 epochs
    (``configs/defect_aux_net/benchmarks/*_cspnext-tiny-neu-cls*``), about
    2 h of one CPU thread for the four. ``--keys`` picks runs, so two
    processes can share the work as two one-thread lanes; a last run
    without ``--keys`` writes the table of every finished run.
``all``
    ``latency`` and ``train``.

Writes ``benchmarks/results/defect_aux_net.json`` (tables ``latency``,
``ablation_params``, ``multitask``, ``ablation``; paper numbers from
``configs/defect_aux_net/metafile.yml``) for ``benchmarks/render_tables.py``.

Usage::

    python benchmarks/defect_aux_net.py \\
        --data-root ../shared/datasets/magnetic-tile
"""
import argparse
import datetime
import json
import os
import os.path as osp
import platform
import statistics
import sys
import time

import torch
import yaml

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

CONFIGS = osp.join(ROOT, 'configs', 'defect_aux_net')
RESULT = osp.join(ROOT, 'benchmarks', 'results', 'defect_aux_net.json')

_FULL = '1xb8-adam-onecycle-50e_magnetic-tile-600px'
_BENCH = '1xb8-adam-onecycle-8e_magnetic-tile-k40f160-128px'
FULL = dict(
    multi=f'defect-aux-net_r50-se-sa-fpn_{_FULL}',
    cls=f'ce_r50_{_FULL}',
    seg=f'semantic-fpn_r50-fpn_{_FULL}',
    det=f'retinanet_r50-fpn_{_FULL}',
    none=f'defect-aux-net_r50-fpn_{_FULL}',
    se=f'defect-aux-net_r50-se-fpn_{_FULL}',
    sa=f'defect-aux-net_r50-sa-fpn_{_FULL}')
BENCH = dict(
    multi=f'defect-aux-net_r50-w16-se-sa-fpn_{_BENCH}',
    cls=f'ce_r50-w16_{_BENCH}',
    seg=f'semantic-fpn_r50-w16-fpn_{_BENCH}',
    det=f'retinanet_r50-w16-fpn_{_BENCH}',
    none=f'defect-aux-net_r50-w16-fpn_{_BENCH}',
    se=f'defect-aux-net_r50-w16-se-fpn_{_BENCH}',
    sa=f'defect-aux-net_r50-w16-sa-fpn_{_BENCH}')
_ZOO = '1xb8-adamw-coslr-16e_magnetic-tile-192px'
ZOO = dict(
    multi=f'defect-aux-net_cspnext-tiny-neu-cls-fpn_{_ZOO}',
    cls=f'ce_cspnext-tiny-neu-cls_{_ZOO}',
    seg=f'semantic-fpn_cspnext-tiny-neu-cls-fpn_{_ZOO}',
    det=f'retinanet_cspnext-tiny-neu-cls-fpn_{_ZOO}')
ZOO_LABELS = dict(
    multi='Defect-Aux-Net (three heads)',
    cls='cls-only',
    seg='seg-only FPN',
    det='det-only RetinaNet FPN')
LABELS = dict(
    multi='Defect-Aux-Net (SE+SA)',
    cls='cls-only ResNet-50',
    seg='seg-only R50-FPN',
    det='det-only RetinaNet R50-FPN',
    none='none',
    se='SE',
    sa='SA')
ABLATION = ('none', 'se', 'sa', 'multi')
# (column, metric key in the test JSON, factor to percent)
METRICS = (('accuracy', 'cls/accuracy/top1',
            1), ('precision', 'cls/single-label/precision',
                 1), ('recall', 'cls/single-label/recall',
                      1), ('F1', 'cls/single-label/f1-score', 1),
           ('Dice', 'seg/defectDice', 1), ('IoU', 'seg/defectIoU', 1),
           ('mAP@0.5', 'det/pascal_voc/mAP', 100), ('COCO AP',
                                                    'det/coco/bbox_mAP', 100))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--part', choices=['latency', 'train', 'zoo', 'all'], default='all')
    parser.add_argument(
        '--keys',
        nargs='+',
        choices=sorted(ZOO),
        help='--part zoo: only these runs (no table)')
    parser.add_argument(
        '--data-root',
        default=osp.join(ROOT, '..', 'shared', 'datasets', 'magnetic-tile'),
        help='the magnetic-tile folder (MT_<Class>/Imgs)')
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'defect_aux_net'))
    parser.add_argument(
        '--size',
        type=int,
        default=600,
        help='latency input size (the paper: 600)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--out', default=RESULT)
    return parser.parse_args(argv)


def paper_numbers() -> dict:
    """``{config name: (Metadata, Paper Results metrics)}`` of the
    metafile."""
    with open(osp.join(CONFIGS, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    out = {}
    for model in meta['Models']:
        results = model.get('Paper Results') or [{}]
        out[model['Name']] = (model.get('Metadata',
                                        {}), results[0].get('Metrics', {}))
    return out


def load_cfg(name: str, bench: bool = False):
    from mmengine.config import Config
    folder = osp.join(CONFIGS, 'benchmarks') if bench else CONFIGS
    return Config.fromfile(osp.join(folder, name + '.py'))


def count_params(model) -> float:
    return sum(p.numel() for p in model.parameters()) / 1e6


def build_model(name: str):
    from mmengine.registry import init_default_scope

    from defectzoo.registry import MODELS
    init_default_scope('defectzoo')
    return MODELS.build(load_cfg(name).model).eval()


def time_models(models: dict, size: int, warmup: int, runs: int) -> dict:
    """Median seconds per image of each model's ``test_step`` on one
    ``size`` x ``size`` image. The models take turns within every
    repetition, so load from other processes hits them alike."""
    from mmdet.structures import DetDataSample
    torch.manual_seed(0)
    img = torch.randint(0, 256, (3, size, size), dtype=torch.uint8)
    meta = dict(
        img_shape=(size, size),
        ori_shape=(size, size),
        scale_factor=(1.0, 1.0))
    times = {key: [] for key in models}
    with torch.no_grad():
        for i in range(warmup + runs):
            for key, model in models.items():
                data = dict(
                    inputs=[img], data_samples=[DetDataSample(metainfo=meta)])
                start = time.perf_counter()
                model.test_step(data)
                if i >= warmup:
                    times[key].append(time.perf_counter() - start)
    return {key: statistics.median(t) for key, t in times.items()}


def measure(name: str, size: int, warmup: int, runs: int, timed: bool):
    """(parameters in M, median seconds per image or None) of one config."""
    model = build_model(name)
    secs = time_models({name: model}, size, warmup, runs)[name] \
        if timed else None
    return count_params(model), secs


def run_latency(args, paper) -> dict:
    rows, ours = [], {}
    timed = ('cls', 'seg', 'det', 'multi')
    for key in ('none', 'se', 'sa'):
        ours[key] = (count_params(build_model(FULL[key])), None)
    models = {key: build_model(FULL[key]) for key in timed}
    secs = time_models(models, args.size, args.warmup, args.runs)
    for key in timed:
        ours[key] = (count_params(models[key]), secs[key])
    for key, (params, sec) in ours.items():
        print(
            f'{FULL[key]}: {params:.2f} M, '
            f'{"—" if sec is None else f"{sec:.4f} s"}',
            flush=True)
    pmeta = {k: paper[FULL[k]][0] for k in FULL}

    def pp(key, field):
        return pmeta[key].get(field)

    for key in ('cls', 'seg', 'det'):
        rows.append([
            LABELS[key],
            round(ours[key][0], 2),
            round(ours[key][1], 4),
            pp(key, 'Parameters (M)'),
            pp(key, 'Latency (s)')
        ])
    sum_p = sum(ours[k][0] for k in ('cls', 'seg', 'det'))
    sum_t = sum(ours[k][1] for k in ('cls', 'seg', 'det'))
    paper_sum_p = sum(pp(k, 'Parameters (M)') for k in ('cls', 'seg', 'det'))
    paper_sum_t = sum(pp(k, 'Latency (s)') for k in ('cls', 'seg', 'det'))
    rows.append([
        'sum of the three',
        round(sum_p, 2),
        round(sum_t, 4),
        round(paper_sum_p, 1),
        round(paper_sum_t, 4)
    ])
    rows.append([
        LABELS['multi'],
        round(ours['multi'][0], 2),
        round(ours['multi'][1], 4),
        pp('multi', 'Parameters (M)'),
        pp('multi', 'Latency (s)')
    ])
    rows.append([
        'Defect-Aux-Net / sum',
        round(ours['multi'][0] / sum_p, 3),
        round(ours['multi'][1] / sum_t, 3),
        round(pp('multi', 'Parameters (M)') / paper_sum_p, 3),
        round(pp('multi', 'Latency (s)') / paper_sum_t, 3)
    ])
    table = dict(
        columns=[
            'model', 'params (M)', 'latency (s)', 'paper params (M)',
            'paper latency (s)'
        ],
        rows=rows,
        note=(f'One {args.size} x {args.size} image, one CPU thread '
              '(`torch.set_num_threads(1)`), `model.test_step` (normalise, '
              'forward, NMS, mask resize), median of '
              f'{args.runs} runs after {args.warmup} warm-up runs, the four '
              'models taking turns in every run; untrained '
              'weights (timing does not depend on them, except the number '
              'of boxes reaching NMS). Targets: time <= 0.50x, parameters '
              '<= 0.45x of the sum. Paper: Xeon 2.2 GHz, 1 core (Table VI).'))
    base, paper_base = ours['none'][0], pp('none', 'Parameters (M)')
    ablation_params = dict(
        columns=[
            'attention', 'params (M)', 'extra vs none (M)', 'paper params (M)',
            'paper extra (M)'
        ],
        rows=[[
            'SE + SA' if k == 'multi' else LABELS[k],
            round(ours[k][0], 3),
            round(ours[k][0] - base, 3),
            pp(k, 'Parameters (M)'),
            round(pp(k, 'Parameters (M)') - paper_base, 1)
        ] for k in ABLATION],
        note=('Full-size configs (ResNet-50, FPN 256, three heads). SE: '
              'GAP -> 1x1 conv C/16 -> ReLU -> 1x1 conv C -> sigmoid; SA: '
              '[avg ; max] -> 7x7 conv -> sigmoid, in all 16 bottlenecks.'))
    return dict(
        latency=table,
        ablation_params=ablation_params,
        params={
            k: v[0]
            for k, v in ours.items()
        })


def train_and_test(key: str, args, names: dict = BENCH) -> dict:
    """Train + test one benchmark config through the Runner (resumable)."""
    from mmengine.runner import Runner
    name = names[key]
    work_dir = osp.join(args.work_dir, name)
    done = osp.join(work_dir, 'result.json')
    if osp.isfile(done):
        with open(done) as f:
            return json.load(f)
    cfg = load_cfg(name, bench=True)
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    root = osp.abspath(args.data_root)
    train_set = cfg.train_dataloader.dataset
    (train_set.get('dataset') or train_set).data_root = root
    cfg.test_dataloader.dataset.data_root = root
    wall, cpu = time.time(), time.process_time()
    runner = Runner.from_cfg(cfg)
    params = count_params(runner.model)
    runner.train()
    runner.test()
    wall, cpu = time.time() - wall, time.process_time() - cpu
    # LoggerHook writes the test metrics to <log_dir>/<timestamp>.json
    log = osp.join(runner.log_dir, f'{runner.timestamp}.json')
    with open(log) as f:
        metrics = json.loads(f.read().strip().splitlines()[-1])
    result = dict(
        config=name,
        params=params,
        metrics=metrics,
        wall_s=round(wall, 1),
        cpu_s=round(cpu, 1))
    with open(done, 'w') as f:
        json.dump(result, f, indent=1)
    return result


def metric_cells(metrics: dict) -> list:
    return [
        None if key not in metrics else round(metrics[key] * f, 2)
        for _, key, f in METRICS
    ]


def run_train(args, paper, params_full, save) -> dict:
    """Train + test every benchmark config; ``save(tables)`` after each, so
    an interrupted benchmark leaves the tables of the runs it finished."""
    results = {}
    for key in ('multi', 'cls', 'seg', 'det', 'none', 'se', 'sa'):
        results[key] = train_and_test(key, args)
        print(
            f'{BENCH[key]}: {results[key]["metrics"]} '
            f'({results[key]["wall_s"]} s)',
            flush=True)
        tables = train_tables(results, paper, params_full)
        save(tables)
    return tables


def run_zoo(args, save) -> None:
    """Train + test the zoo-budget comparison (``--keys``: some runs only,
    no table)."""
    results = {}
    for key in args.keys or ZOO:
        results[key] = train_and_test(key, args, ZOO)
        print(f'{ZOO[key]}: {results[key]["metrics"]}', flush=True)
    if args.keys:
        return
    multi = results['multi']['metrics']
    rows = []
    for key in ZOO:
        m = results[key]['metrics']
        cells = metric_cells(m)
        rows.append([ZOO_LABELS[key],
                     round(results[key]['params'], 2)] +
                    [cells[0], cells[2], cells[4], cells[6], cells[7]] +
                    [round(results[key]['cpu_s'] / 60, 1)])
    # is the multi-task network above each single-task one on its metric?
    verdict = []
    for key, idx, label in (('cls', 2, 'balanced accuracy'),
                            ('seg', 4, 'Dice'), ('det', 6, 'mAP@0.5')):
        mine = metric_cells(multi)[idx]
        theirs = metric_cells(results[key]['metrics'])[idx]
        verdict.append(f'{label} {mine} vs {theirs}: '
                       f'{"above" if mine > theirs else "NOT above"}')
    save(
        dict(
            multitask_zoo=dict(
                columns=[
                    'model', 'params (M)', 'accuracy', 'balanced accuracy',
                    'Dice', 'mAP@0.5', 'COCO AP', 'train + test CPU (min)'
                ],
                rows=rows,
                note=(
                    'Magnetic tile (real data), the zoo budget: CSPNeXt-tiny '
                    "initialised from the zoo's NEU-CLS classifier (stem and "
                    'first stage frozen), FPN 64 ch, 192 x 192 input, the '
                    'whole training split (940 tiles), 16 epochs of AdamW + '
                    'cosine, flips and quarter turns, batch 8, one CPU '
                    'thread; segmentation loss pixel cross-entropy + Dice '
                    '(Dice alone did not learn from this init); each '
                    'single-task network keeps one head and '
                    'the same backbone, init, data and schedule. Test split '
                    '(269 tiles, 191 defect-free). Image label: defective / '
                    'defect-free (balanced accuracy = mean recall of the '
                    'two); Dice over the defect class; boxes = connected '
                    'mask components >= 4 px. Percent. Multi-task vs '
                    'single-task: ' + '; '.join(verdict) + '.'))))


def train_tables(results, paper, params_full) -> dict:
    """The ``multitask`` and ``ablation`` tables of the finished runs."""
    multitask = dict(
        columns=['model', 'params (M)'] + [c for c, _, _ in METRICS] +
        ['train + test wall (s)', 'CPU (s)'],
        rows=[[LABELS[k], round(results[k]['params'], 2)] +
              metric_cells(results[k]['metrics']) +
              [results[k]['wall_s'], results[k].get('cpu_s')]
              for k in ('multi', 'cls', 'seg', 'det') if k in results],
        note=(
            'Magnetic tile (real data), CPU cut-down: quarter-width '
            'ResNet-50 (base_channels 16), FPN 64 ch, 128 x 128 input, '
            'trained from scratch for 8 epochs on 40 images per defect '
            'folder (182 defective) + 160 defect-free images, Adam + '
            'one-cycle (1e-3), batch 8; tested '
            'on the whole test split (269 images, 191 of them Free). '
            'Image label: defective / defect-free; precision / recall / F1 '
            'are macro over the two classes; Dice / IoU over the defect '
            'class; boxes = connected mask components >= 4 px. Percent. '
            'Wall time on a 2-core machine (the other core busy with another '
            'benchmark); CPU = process CPU seconds (one thread).'))
    rows = []
    for key in ABLATION:
        if key not in results:
            continue
        meta, pres = paper[FULL[key]]
        m = results[key]['metrics']
        rows.append(
            [
                'SE + SA' if key == 'multi' else LABELS[key],
                None if params_full is None else round(params_full[key], 2),
                meta.get('Parameters (M)'),
                round(results[key]['params'], 3)
            ] + metric_cells(m)[:1] + [pres.get('Accuracy')] +
            [metric_cells(m)[4], metric_cells(m)[6]])
    ablation = dict(
        columns=[
            'attention', 'params R50 600 px (M)', 'paper params (M)',
            'params cut-down (M)', 'accuracy', 'paper accuracy', 'Dice',
            'mAP@0.5'
        ],
        rows=rows,
        note=('Parameters of the full-size configs (ResNet-50, FPN 256) and '
              'of the cut-down ones; accuracy / Dice / mAP of the cut-down '
              'runs above (magnetic tile, percent). Paper: TekErreka data '
              '(Table IV).'))
    return dict(multitask=multitask, ablation=ablation)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(1)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    import defectzoo  # noqa: F401  (registries, safe checkpoint loading)
    paper = paper_numbers()
    tables, previous = {}, {}
    if osp.isfile(args.out):
        with open(args.out) as f:
            previous = json.load(f)
        tables.update(previous.get('tables', {}))
    params_full = previous.get('params_full')
    start = time.time()
    command = 'python benchmarks/defect_aux_net.py ' + ' '.join(
        argv if argv is not None else sys.argv[1:])

    machine = f'{os.cpu_count()}-core {platform.machine()} CPU, 1 thread'
    today = datetime.date.today().isoformat()

    def save(new_tables):
        # each table keeps the command, date and machine of its own part
        for table in new_tables.values():
            table.update(command=command, date=today, machine=machine)
        tables.update(new_tables)
        path = render_tables.write_result(
            'defect_aux_net',
            command,
            tables,
            machine,
            date=today,
            out=args.out,
            wall_s=round(time.time() - start, 1),
            params_full=params_full)
        print(f'wrote {path}', flush=True)

    if args.part in ('latency', 'all'):
        lat = run_latency(args, paper)
        params_full = lat['params']
        save(
            dict(
                latency=lat['latency'],
                ablation_params=lat['ablation_params']))
    if args.part in ('train', 'all'):
        run_train(args, paper, params_full, save)
    if args.part == 'zoo':
        run_zoo(args, save)


if __name__ == '__main__':
    main()
