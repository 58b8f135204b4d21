"""X-ray SSL transfer on the synthetic castings set: scratch vs SimSiam
init of a Faster R-CNN at equal fine-tuning budget, plus R50-FPN CPU
inference time at 1024 x 1024.

The paper's protocol (Intxausti et al. 2024: 100 SSL epochs on 27,901
radiographs, R50, 1024 px, 12 fine-tuning epochs) is cut down to what 2
CPU cores do in well under an hour, through the repo's configs and stock
tools (``tools/train.py``, ``tools/model_converters/selfsup_to_det.py``,
``tools/test.py``) with ``--cfg-options``-style overrides:

1. generate the synthetic set (``--img-size`` 512 px, seed 0);
2. SimSiam pretraining of a **ResNet-18** (``configs/xray/simsiam_r50.py``,
   projector/predictor narrowed to 512/128) on the unlabelled split:
   ``--ssl-crop`` (96) px views of random regions covering
   ``--ssl-crop-range`` (4-25 %) of the image, i.e. close to the native
   scale the detector sees, ``--ssl-epochs`` epochs;
3. convert the checkpoint to mmdet backbone keys;
4. fine-tune **Faster R-CNN R18-FPN** (``configs/xray/faster-rcnn-fpn_
   r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py`` with ``init_cfg`` set or ``None``) from
   scratch and from the SSL weights with the *same* settings (BN trained,
   no frozen stage, SGD ``--det-lr``, ``--det-epochs`` epochs on
   ``--det-crop`` px random crops of the full-resolution images, lr steps
   at 2/3 and 11/12 of them, RPN anchors ``--anchor-scale`` x stride so
   that 5-10 px pores get an anchor, FPN/RPN/RoI width 64 instead of 256
   and 300 proposals -- the 256-channel stride-4 FPN/RPN convs cost more
   than the whole ResNet-18 on this CPU) for each seed;
5. ``tools/test.py`` on the val split at full resolution: VOC AP50, COCO
   AP/AP50/AP75, AP50-critical and recall of critical at score 0.5
   (``XRayDetMetric``);
6. time R50-FPN (``faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_xray-512px.py``, 1024 x 1024
   test scale, random weights: the timing does not depend on them) on
   ``--infer-images`` synthetic 1024 px radiographs (load + window +
   resize + forward + NMS, after one warm-up image).

Every image (SSL, fine-tuning, test) is read with the per-image percentile
window and then CLAHE (``--clahe-clip``; 0 turns it off): under a global
window the defects are a few grey levels on a part that spans the whole
range, and at this budget neither init finds them (AP50 < 1 % after 300
iterations without CLAHE, 32 % with it and 900 iterations, scratch).

Usage (the recorded run's command and wall time: configs/xray/README.md)::

    nice -n 5 python benchmarks/xray_transfer.py
    python benchmarks/xray_transfer.py --num-unlabelled 64 --num-train 16 \\
        --num-val 8 --ssl-epochs 1 --det-epochs 1 --infer-images 1  # quick

Writes ``<work-dir>/benchmark.md`` (the table), ``benchmark.json`` and the
runs' work dirs; ``--report-only`` rebuilds the table from them.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import textwrap
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CFG = osp.join(ROOT, 'configs', 'xray')
PY = sys.executable


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/bench_xray_transfer')
    p.add_argument('--img-size', type=int, default=512)
    p.add_argument('--num-unlabelled', type=int, default=512)
    p.add_argument('--num-train', type=int, default=120)
    p.add_argument('--num-val', type=int, default=50)
    p.add_argument('--ssl-crop', type=int, default=96)
    p.add_argument('--ssl-crop-range', type=float, nargs=2,
                   default=[0.04, 0.25],
                   help='RandomResizedCrop area range of the SSL views')
    p.add_argument('--ssl-epochs', type=int, default=25)
    p.add_argument('--ssl-batch', type=int, default=32)
    p.add_argument('--det-crop', type=int, default=192)
    p.add_argument('--det-epochs', type=int, default=30)
    p.add_argument('--det-batch', type=int, default=4)
    p.add_argument('--det-lr', type=float, default=0.02)
    p.add_argument('--clahe-clip', type=float, default=4.0,
                   help='CLAHE clip limit after the percentile window '
                   '(0: no CLAHE)')
    p.add_argument('--anchor-scale', type=int, default=2,
                   help='RPN anchor side / stride (mmdet default 8)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--infer-images', type=int, default=2,
                   help='1024 px images to time R50-FPN on (0: no timing)')
    p.add_argument('--report-only', action='store_true',
                   help='only rebuild benchmark.md from a finished run')
    return p.parse_args()


def run(args, log):
    """Run a command, keep its output in ``log``; return the output."""
    t0 = time.time()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    with open(log, 'w') as f:
        f.write(proc.stdout + proc.stderr)
    if proc.returncode:
        sys.exit(f'{" ".join(args)} failed, see {log}:\n'
                 f'{(proc.stdout + proc.stderr)[-3000:]}')
    print(f'  {osp.basename(log)}: {time.time() - t0:.0f} s', flush=True)
    return proc.stdout + proc.stderr


def write(path, text):
    with open(path, 'w') as f:
        f.write(textwrap.dedent(text))
    return path


def load_steps(a):
    """Loading for SSL, fine-tuning and test alike: the per-image
    percentile window, then CLAHE (local contrast, as radiographs are
    usually viewed) unless ``--clahe-clip 0``."""
    steps = [dict(type='LoadXRayImage', percentiles=(0.5, 99.5),
                  to_rgb=True)]
    if a.clahe_clip > 0:
        steps.append(dict(type='mmseg.CLAHE', clip_limit=a.clahe_clip,
                          tile_grid_size=(8, 8)))
    return steps


def ssl_config(a, wd, data_root, synthetic):
    return write(osp.join(wd, 'ssl_simsiam_r18.py'), f"""
        _base_ = {osp.join(CFG, 'simsiam_r50.py')!r}
        data_root = {data_root!r}
        synthetic = {synthetic!r}
        img_size = {a.ssl_crop}
        load = {load_steps(a)!r}
        view = [
            dict(type='mmpretrain.RandomResizedCrop', scale=img_size,
                 crop_ratio_range={tuple(a.ssl_crop_range)!r},
                 backend='pillow'),
            dict(type='mmpretrain.RandomApply', prob=0.8, transforms=[
                dict(type='mmpretrain.ColorJitter', brightness=0.4,
                     contrast=0.4)]),
            dict(type='mmpretrain.GaussianBlur', magnitude_range=(0.1, 2.0),
                 magnitude_std='inf', prob=0.5),
            dict(type='mmpretrain.RandomFlip', prob=[0.25, 0.25],
                 direction=['horizontal', 'vertical'])]
        train_dataloader = dict(
            batch_size={a.ssl_batch}, num_workers=1, persistent_workers=True,
            dataset=dict(data_root=data_root, synthetic=synthetic, pipeline=[
                *load, dict(type='mmpretrain.MultiView', num_views=2,
                           transforms=[view]),
                dict(type='mmpretrain.PackInputs')]))
        model = dict(
            backbone=dict(depth=18),
            neck=dict(in_channels=512, hid_channels=512, out_channels=512),
            head=dict(predictor=dict(in_channels=512, hid_channels=128,
                                     out_channels=512)))
        # lr 0.05 x batch / 256 (SimSiam rule), cosine over the short run
        lr = 0.05 * {a.ssl_batch} / 256
        optim_wrapper = dict(optimizer=dict(lr=lr))
        param_scheduler = [dict(type='CosineAnnealingLR', T_max={a.ssl_epochs},
                                by_epoch=True, begin=0, end={a.ssl_epochs})]
        train_cfg = dict(max_epochs={a.ssl_epochs})
        custom_hooks = [
            dict(type='mmpretrain.SimSiamHook', priority='HIGH',
                 fix_pred_lr=True, lr=lr),
            dict(type='RandomStateHook')]
        default_hooks = dict(logger=dict(interval=10),
                             checkpoint=dict(interval={a.ssl_epochs}))
        """)


def det_config(a, wd, name, data_root, init_ckpt, seed):
    first = 'None' if init_ckpt is None else repr(init_ckpt)
    ep = a.det_epochs
    steps = sorted({max(1, 2 * ep // 3), max(1, 11 * ep // 12)})
    return write(osp.join(wd, f'{name}.py'), f"""
        _base_ = {osp.join(CFG, 'faster-rcnn-fpn_r50-simsiam-xray_1xb2-sgd-1x_xray-512px.py')!r}
        data_root = {data_root!r}
        img_scale = ({a.img_size}, {a.img_size})
        load = {load_steps(a)!r}
        train_dataloader = dict(
            batch_size={a.det_batch}, num_workers=1,
            dataset=dict(data_root=data_root, synthetic=None, pipeline=[
                *load, dict(type='mmdet.LoadAnnotations', with_bbox=True),
                dict(type='mmdet.RandomCrop', crop_size=({a.det_crop}, {a.det_crop}),
                     allow_negative_crop=False),
                dict(type='mmdet.RandomFlip', prob=0.5,
                     direction=['horizontal', 'vertical']),
                dict(type='mmdet.PackDetInputs')]))
        val_dataloader = dict(
            num_workers=1,
            dataset=dict(data_root=data_root, synthetic=None, pipeline=[
                *load, dict(type='mmdet.Resize', scale=img_scale,
                           keep_ratio=True),
                dict(type='mmdet.LoadAnnotations', with_bbox=True),
                dict(type='mmdet.PackDetInputs', meta_keys=(
                    'img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))]))
        test_dataloader = val_dataloader
        val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
        test_evaluator = val_evaluator
        # identical for both inits: BN trained, nothing frozen
        init_ckpt = {first}
        model = dict(
            backbone=dict(depth=18, frozen_stages=-1, norm_eval=False,
                          init_cfg=None if init_ckpt is None else dict(
                              type='Pretrained', checkpoint=init_ckpt,
                              prefix='backbone.')),
            neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
            rpn_head=dict(in_channels=64, feat_channels=64,
                          anchor_generator=dict(scales=[{a.anchor_scale}])),
            roi_head=dict(bbox_roi_extractor=dict(out_channels=64),
                          bbox_head=dict(in_channels=64, fc_out_channels=256)),
            train_cfg=dict(rpn_proposal=dict(max_per_img=300),
                           rcnn=dict(sampler=dict(num=128))),
            test_cfg=dict(rpn=dict(max_per_img=300)))
        # no validation during training: tools/test.py evaluates at the end
        train_cfg = dict(max_epochs={ep}, val_begin={ep + 1})
        param_scheduler = [
            dict(type='LinearLR', start_factor=0.001, by_epoch=False,
                 begin=0, end=50),
            dict(type='MultiStepLR', begin=0, end={ep}, by_epoch=True,
                 milestones={steps},
                 gamma=0.1)]
        optim_wrapper = dict(optimizer=dict(lr={a.det_lr}),
                             clip_grad=dict(max_norm=35, norm_type=2))
        default_hooks = dict(logger=dict(interval=20),
                             checkpoint=dict(interval={ep}, save_best=None))
        randomness = dict(seed={seed})
        """)


def fine_tune(a, wd, name, cfg) -> float:
    """Train detector ``name`` (config file ``cfg``) unless its last
    checkpoint exists; return the training wall time in seconds (kept in
    ``<name>/train_s.json``)."""
    done = osp.join(wd, name, 'train_s.json')
    if osp.isfile(done) and osp.isfile(
            osp.join(wd, name, f'epoch_{a.det_epochs}.pth')):
        with open(done) as f:
            return json.load(f)['train_s']
    t0 = time.time()
    run([PY, 'tools/train.py', cfg, '--work-dir', osp.join(wd, name)],
        osp.join(wd, f'{name}_train.log'))
    train_s = time.time() - t0
    with open(done, 'w') as f:
        json.dump(dict(train_s=train_s), f)
    return train_s


METRIC = re.compile(r'det/(\w+): (nan|-?[0-9.]+)')


def time_inference(a, wd):
    """Seconds per image of R50-FPN at 1024 x 1024 on this CPU."""
    import cv2
    import torch
    from mmdet.apis import inference_detector, init_detector
    from mmengine.config import Config

    from defectzoo.datasets.synthetic.xray_castings import \
        generate_xray_sample
    paths = []
    for i in range(a.infer_images + 1):
        s = generate_xray_sample(1, i, split='val', img_size=1024)
        path = osp.join(wd, f'infer_{i}.png')
        cv2.imwrite(path, s['img'])
        paths.append(path)
    cfg = Config.fromfile(
        osp.join(CFG, 'faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_xray-512px.py'))
    cfg.test_dataloader.dataset.pipeline[1]['scale'] = (1024, 1024)
    model = init_detector(cfg, None, device='cpu')
    inference_detector(model, paths[0])  # warm-up
    t0 = time.perf_counter()
    for p in paths[1:]:
        inference_detector(model, p)
    return (time.perf_counter() - t0) / a.infer_images, \
        torch.get_num_threads()


def main():
    a = parse_args()
    t_start = time.time()
    sys.path.insert(0, ROOT)
    wd = osp.abspath(a.work_dir)
    if a.report_only:
        return report(wd)
    os.makedirs(wd, exist_ok=True)
    from defectzoo.datasets.synthetic.writers import generate_synthetic_xray
    synthetic = dict(num_unlabelled=a.num_unlabelled, num_train=a.num_train,
                     num_val=a.num_val, img_size=a.img_size, seed=0)
    data_root = osp.join(wd, f'data_{a.img_size}px') + '/'
    generate_synthetic_xray(data_root, **synthetic)

    # A finished stage (SSL checkpoint, a detector's last checkpoint) is
    # not run again: rerunning with more --seeds only trains the new ones.
    ssl_wd = osp.join(wd, 'ssl')
    ssl_ckpt = osp.join(ssl_wd, f'epoch_{a.ssl_epochs}.pth')
    if not osp.isfile(ssl_ckpt):
        print('SimSiam pretraining (ResNet-18)', flush=True)
        run([PY, 'tools/train.py', ssl_config(a, wd, data_root, synthetic),
             '--work-dir', ssl_wd], osp.join(wd, 'ssl.log'))
    det_ckpt = osp.join(wd, 'simsiam_r18_det.pth')
    if not osp.isfile(det_ckpt):
        run([PY, 'tools/model_converters/selfsup_to_det.py', ssl_ckpt,
             det_ckpt], osp.join(wd, 'convert.log'))

    rows = []
    for seed in a.seeds:
        for init, ckpt in (('scratch', None), ('X-ray SimSiam', det_ckpt)):
            name = f"det_{init.split()[-1].lower()}_seed{seed}"
            cfg = det_config(a, wd, name, data_root, ckpt, seed)
            train_s = fine_tune(a, wd, name, cfg)
            out = run([PY, 'tools/test.py', cfg,
                       osp.join(wd, name, f'epoch_{a.det_epochs}.pth'),
                       '--work-dir', osp.join(wd, name, 'test')],
                      osp.join(wd, f'{name}_test.log'))
            m = {k: float(v) for k, v in METRIC.findall(out)}
            tables = re.findall(r'\+ X-ray detection.*?\n(?:[|+].*\n)+', out)
            rows.append((init, seed, m, train_s, tables[-1] if tables else ''))

    s_per_img, threads = None, None
    if a.infer_images > 0:
        print('R50-FPN inference timing', flush=True)
        s_per_img, threads = time_inference(a, wd)
    with open(osp.join(wd, 'benchmark.json'), 'w') as f:
        json.dump(dict(args=vars(a), rows=[r[:4] for r in rows],
                       tables=[r[4] for r in rows], s_per_img=s_per_img,
                       threads=threads, wall_s=time.time() - t_start),
                  f, indent=1)
    report(wd)


def final_train_loss(run_dir):
    """Mean total loss of the records logged in the last epoch
    (``vis_data/scalars.json`` of the newest run in ``run_dir``)."""
    found = sorted(glob.glob(osp.join(run_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not found:
        return float('nan')
    with open(found[-1]) as f:
        recs = [json.loads(line) for line in f]
    recs = [r for r in recs if 'loss' in r and 'epoch' in r]
    last = max(r['epoch'] for r in recs)
    vals = [r['loss'] for r in recs if r['epoch'] == last]
    return sum(vals) / len(vals)


def seed_summary(rows) -> list:
    """Mean +- std over seeds per init, and SSL - scratch per seed."""
    import numpy as np
    keys = dict(AP50_voc='AP50 (VOC)', AP50_voc_critical='AP50-critical',
                AP_coco='AP (COCO)', recall_critical='recall critical @0.5')
    by_init = {}
    for init, seed, m, _ in rows:
        by_init.setdefault(init, {})[seed] = m
    if len(by_init) != 2 or min(len(v) for v in by_init.values()) < 2:
        return []
    lines = ['', '| init (mean ± std over seeds) | ' +
             ' | '.join(keys.values()) + ' |',
             '|---' * (len(keys) + 1) + '|']
    for init, per_seed in by_init.items():
        cells = []
        for k in keys:
            v = 100 * np.array([m.get(k, np.nan) for m in per_seed.values()])
            cells.append(f'{v.mean():.1f} ± {v.std(ddof=1):.1f}')
        lines.append(f'| {init} | ' + ' | '.join(cells) + ' |')
    (a, sa), (b, sb) = by_init.items()
    common = sorted(set(sa) & set(sb))
    diff = [100 * (sb[s].get('AP50_voc', np.nan) - sa[s].get('AP50_voc',
                                                               np.nan))
            for s in common]
    lines.append(f'\nAP50 (VOC), {b} - {a}, per seed ' + ', '.join(
        f'{s}: {d:+.1f}' for s, d in zip(common, diff)) +
        f'; {b} higher in {sum(d > 0 for d in diff)} of {len(diff)} seeds.')
    return lines


def report(wd):
    """Write ``benchmark.md`` from ``benchmark.json`` and the runs' logs
    (``--report-only`` redoes just this)."""
    with open(osp.join(wd, 'benchmark.json')) as f:
        res = json.load(f)
    a = argparse.Namespace(**res['args'])
    lines = [
        f'Synthetic X-ray castings, {a.img_size} px, '
        f'{a.num_unlabelled} unlabelled / {a.num_train} train / '
        f'{a.num_val} val images (seed 0); SimSiam ResNet-18, '
        f'{a.ssl_epochs} epochs, batch {a.ssl_batch}, {a.ssl_crop} px views '
        f'of {a.ssl_crop_range[0]:g}-{a.ssl_crop_range[1]:g} of the image; '
        f'Faster R-CNN R18-FPN, {a.det_epochs} epochs on {a.det_crop} px '
        f'crops, batch {a.det_batch}, SGD lr {a.det_lr}, anchor scale '
        f'{a.anchor_scale}; CLAHE clip {a.clahe_clip:g}; test at '
        f'{a.img_size} px.',
        '',
        '| init | seed | AP50 (VOC) | AP50-critical (VOC) | AP (COCO) | '
        'AP50 (COCO) | AP75 (COCO) | recall critical @0.5 | '
        'last-epoch train loss | fine-tune s |',
        '|---|---|---|---|---|---|---|---|---|---|']
    for init, seed, m, train_s in res['rows']:
        def f(k):
            v = m.get(k, float('nan'))
            return f'{100 * v:.1f}'
        name = f"det_{init.split()[-1].lower()}_seed{seed}"
        loss = final_train_loss(osp.join(wd, name))
        lines.append(
            f'| {init} | {seed} | {f("AP50_voc")} | '
            f'{f("AP50_voc_critical")} | {f("AP_coco")} | {f("AP50_coco")} '
            f'| {f("AP75_coco")} | {f("recall_critical")} | {loss:.3f} '
            f'| {train_s:.0f} |')
    lines += seed_summary(res['rows'])
    if res['s_per_img'] is None:
        lines += ['', 'R50-FPN inference: not timed (--infer-images 0).']
    else:
        lines += ['', f'R50-FPN inference, 1024 x 1024, CPU '
                  f'({res.get("threads", 2)} torch threads): '
                  f'{res["s_per_img"]:.2f} s/image (mean of '
                  f'{a.infer_images}, after a warm-up).']
    lines.append(f'Benchmark wall time: {res["wall_s"] / 60:.1f} min '
                 '(stages finished by an earlier run are not repeated).')
    text = '\n'.join(lines)
    print('\n' + text)
    with open(osp.join(wd, 'benchmark.md'), 'w') as f:
        f.write(text + '\n\n' + '\n'.join(res.get('tables', [])))


if __name__ == '__main__':
    main()
