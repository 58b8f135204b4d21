"""Out-of-distribution flag of the zoo's NEU classifier: are magnetic-tile
and synthetic X-ray images flagged while NEU test images are not?

The published NEU-CLS classifier (``zoo://``; its checkpoint carries the
nearest-neighbour OOD statistics that ``tools/misc/fit_ood.py`` fitted on NEU
*training* images, threshold = 99 % quantile of held-out training images)
runs through the inferencer (``tools/infer.py``'s path) on:

- the NEU-CLS test split (360 images, never seen in training or fitting);
- ``--mt-images`` magnetic-tile images (seeded sample over all classes);
- the synthetic X-ray radiographs of the zoo build (16-bit PNG, read as the
  NEU config reads any image).

For each set: the share flagged at the calibrated threshold and the AUROC
of the OOD score separating it from NEU test images (sklearn).

    python benchmarks/ood_neu.py \\
        --neu-root NEU --mt-root MT --xray-root data/synthetic_xray_zoo
"""
import argparse
import glob
import os
import os.path as osp
import platform
import sys
import time

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
import render_tables  # noqa: E402

NEU_CLS = 'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default=NEU_CLS, help='zoo name or config')
    p.add_argument('--checkpoint', help='weights (default: the zoo file)')
    p.add_argument('--neu-root', default='data/neu-det/')
    p.add_argument('--mt-root', default='data/magnetic-tile/')
    p.add_argument('--xray-root', default='data/synthetic_xray_zoo/')
    p.add_argument('--mt-images', type=int, default=300)
    p.add_argument('--xray-images', type=int, default=150)
    p.add_argument(
        '--out',
        default=osp.join(ROOT, 'benchmarks', 'results', 'ood_neu.json'))
    return p.parse_args(argv)


def neu_test_images(cfg, neu_root):
    from mmengine.registry import DATASETS
    ds_cfg = cfg.test_dataloader.dataset.copy()
    ds_cfg.update(data_root=osp.join(osp.abspath(neu_root), ''), pipeline=[])
    with DATASETS.switch_scope_and_registry('defectzoo') as registry:
        ds = registry.build(ds_cfg)
    return [ds.get_data_info(i)['img_path'] for i in range(len(ds))]


def sample(paths, n, seed=0):
    paths = sorted(paths)
    if len(paths) <= n:
        return paths
    idx = np.random.default_rng(seed).choice(len(paths), n, replace=False)
    return [paths[i] for i in sorted(idx)]


def main(argv=None):
    a = parse_args(argv)
    from sklearn.metrics import roc_auc_score

    from defectzoo.apis import init_inferencer
    inf = init_inferencer(a.model, a.checkpoint)
    if inf.ood is None:
        raise SystemExit(f'{a.model}: the checkpoint has no OOD statistics '
                         '(tools/misc/fit_ood.py)')
    sets = {
        'NEU-CLS test (in distribution)':
        neu_test_images(getattr(inf, 'cfg', None) or inf.config, a.neu_root),
        'magnetic tile':
        sample(
            glob.glob(osp.join(a.mt_root, 'MT_*', 'Imgs', '*.jpg')),
            a.mt_images),
        'synthetic X-ray (16-bit)':
        sample(
            glob.glob(osp.join(a.xray_root, '**', '*.png'), recursive=True),
            a.xray_images),
    }
    t0 = time.perf_counter()
    dist = {}
    for name, paths in sets.items():
        if not paths:
            raise SystemExit(f'no images for {name!r}')
        out = inf.run(paths, batch_size=16, show_progress=False)
        if out['skipped']:
            raise SystemExit(f'{name}: unreadable {out["skipped"][:3]}')
        dist[name] = np.array([p['ood']['score'] for p in out['predictions']])
    wall = time.perf_counter() - t0
    ind = dist['NEU-CLS test (in distribution)']
    rows = []
    for name, d in dist.items():
        auroc = None if d is ind else float(
            roc_auc_score(np.r_[np.zeros(len(ind)),
                                np.ones(len(d))], np.r_[ind, d]))
        rows.append([
            name,
            len(d),
            round(100 * float((d > inf.ood.threshold).mean()), 1),
            round(float(np.median(d)), 2),
            None if auroc is None else round(auroc, 4)
        ])
    path = render_tables.write_result(
        'ood_neu', 'python benchmarks/ood_neu.py '
        '--neu-root NEU --mt-root MT --xray-root data/synthetic_xray_zoo',
        out=a.out,
        machine=f'{platform.machine()} CPU, '
        f'{os.environ.get("OMP_NUM_THREADS", "all")} thread(s)',
        wall_s=round(wall, 1),
        tables=dict(
            ood=dict(
                columns=[
                    'images', 'n', 'flagged OOD (%)', 'median OOD score',
                    'AUROC vs NEU test'
                ],
                rows=rows,
                note=f'Model `{a.model}` '
                f'({a.checkpoint or "zoo weights"}); OOD score = larger of '
                'the calibrated k-th nearest-neighbour distances '
                f'(k={inf.ood.k}; cosine and standardized views) of the '
                'pooled backbone features to a bank of '
                f'{inf.ood.num_fit} NEU training images, threshold '
                f'{inf.ood.threshold:.2f} = {inf.ood.quantile:.0%} '
                'quantile of '
                f'{inf.ood.num_calib} held-out NEU training images.')))
    result = render_tables.load(path)
    print(render_tables.render(result, 'ood'))
    return result


if __name__ == '__main__':
    main()
