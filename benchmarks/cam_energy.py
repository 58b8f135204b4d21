"""How much of a classifier's Grad-CAM falls on the defect: cross-entropy
vs SCL + ArcMargin (the thesis' Fig. 2 claim that the student "bases its
predictions on the defects", quantified) on magnetic-tile images with
masks.

Both models: ResNet-18 from random initialisation, 20 training images per
class, 128 px, 40 epochs (configs/distill/benchmarks/*magnetic-tile-20shot*;
about 5 CPU-minutes each). On every defect image of the
test split (Free images have no defect), Grad-CAM of the true class at the
``--target-layer`` (``backbone.layer3``: an 8 x 8 map at 128 px; the
last stage would give 4 x 4) is compared with the binarised mask resized
to 128 px: the share of CAM energy inside the mask, and the mask's
area fraction (what a CAM spread evenly would score).

    python benchmarks/cam_energy.py \
        --data-root ../shared/datasets/magnetic-tile

Writes benchmarks/results/cam_energy.json and example overlays under
``--work-dir``.
"""
import argparse
import glob
import os
import os.path as osp
import platform
import subprocess
import sys
import time

import cv2
import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the sibling benchmarks, also when loaded by file path (tests)
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
import render_tables  # noqa: E402

BENCH = 'configs/distill/benchmarks/'
MODELS = {
    'cross-entropy':
    'ce_r18_1xb32-adam-40e_magnetic-tile-20shot-128px',
    'SCL + ArcMargin (gallery)':
    'scl-arcmargin_r18_1xb32-adam-40e_magnetic-tile-20shot-128px',
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--data-root', default='../shared/datasets/magnetic-tile')
    parser.add_argument('--work-dir', default='work_dirs/cam_energy')
    parser.add_argument('--method', default='gradcam')
    parser.add_argument('--target-layer', default='backbone.layer3')
    parser.add_argument(
        '--examples',
        type=int,
        default=4,
        help='overlay PNGs written per model')
    parser.add_argument('--out', default='benchmarks/results/cam_energy.json')
    return parser.parse_args(argv)


def options(root):
    return [
        '--cfg-options', f'train_dataloader.dataset.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}'
    ] + ([f'gallery_dataloader.dataset.dataset.data_root={root}'])


def train(args, config):
    work = osp.join(args.work_dir, config)
    ckpts = glob.glob(osp.join(work, 'epoch_*.pth'))
    if ckpts:
        return sorted(ckpts)[-1], None
    cmd = [
        sys.executable, 'tools/train.py',
        osp.join(BENCH, config + '.py'), '--work-dir', work
    ] + options(args.data_root)
    if config.startswith('ce_'):
        cmd = cmd[:-1]  # no gallery
    print('$', ' '.join(cmd), flush=True)
    start = time.time()
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return sorted(glob.glob(osp.join(work, 'epoch_*.pth')))[-1], \
        time.time() - start


def measure(args, label, config, ckpt):
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from defectzoo.apis import init_model, load_config
    from defectzoo.cli.vis_cam import overlay
    from defectzoo.visualization import ClassifierCAM, cam_energy_in_mask
    cfg = load_config(
        osp.join(BENCH, config + '.py'),
        {'test_dataloader.dataset.data_root': args.data_root})
    model = init_model(cfg, ckpt)
    cam = ClassifierCAM(model, args.method, [args.target_layer])
    with DefaultScope.overwrite_default_scope('defectzoo'):
        dataset = Runner.build_dataloader(cfg.test_dataloader).dataset
    classes = dataset.metainfo['classes']
    energies, areas, correct = [], [], []
    out_dir = osp.join(args.work_dir, 'overlays', config)
    os.makedirs(out_dir, exist_ok=True)
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        label_id = int(info['gt_label'])
        mask_path = osp.splitext(info['img_path'])[0] + '.png'
        if classes[label_id] == 'Free' or not osp.isfile(mask_path):
            continue
        image = dataset[i]['inputs']
        heat, pred = cam(image[None], target_category=label_id)
        # A cell of the input is defect if any of its pixels is (thin
        # cracks).
        mask = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE) >= 128
        mask = cv2.resize(
            mask.astype(np.float32),
            heat.shape[:0:-1],
            interpolation=cv2.INTER_AREA) > 0
        energies.append(cam_energy_in_mask(heat[0], mask))
        areas.append(float(mask.mean()))
        correct.append(int(pred[0]) == label_id)
        if len(energies) <= args.examples:
            stem = osp.splitext(osp.basename(info['img_path']))[0]
            cv2.imwrite(
                osp.join(out_dir, f'{stem}_{args.method}.png'),
                overlay(image, heat[0]))
    energies, areas = np.array(energies), np.array(areas)
    return dict(
        model=label,
        config=config,
        checkpoint=ckpt,
        images=len(energies),
        energy_in_mask=float(energies.mean()),
        energy_in_mask_std=float(energies.std()),
        mask_area=float(areas.mean()),
        ratio=float((energies / np.maximum(areas, 1e-6)).mean()),
        accuracy_defect_images=float(np.mean(correct)),
        overlays=out_dir)


def main(argv=None):
    args = parse_args(argv)
    os.chdir(REPO)
    os.environ['OMP_NUM_THREADS'] = '1'  # one thread, also in tools/train.py
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    rows, raw = [], []
    for label, config in MODELS.items():
        ckpt, seconds = train(args, config)
        r = measure(args, label, config, ckpt)
        r['train_seconds'] = seconds
        raw.append(r)
        rows.append([
            label, r['images'], r['accuracy_defect_images'],
            r['energy_in_mask'], r['mask_area'], r['ratio']
        ])
    path = render_tables.write_result(
        'cam_energy',
        f'python benchmarks/cam_energy.py --data-root {args.data_root}',
        out=args.out,
        machine=f'{platform.machine()}, 2-core CPU, 1 thread',
        wall_seconds=round(time.time() - start),
        raw=raw,
        tables=dict(
            energy=dict(
                columns=[
                    'classifier (ResNet-18)', 'defect test images',
                    'top-1 on them', f'{args.method} energy in mask',
                    'mask area (uniform CAM)', 'energy / area'
                ],
                rows=rows,
                note=('Magnetic tile, 20 training images per class, 128 '
                      'px, 40 epochs from random initialisation; CAM of the '
                      f'true class at {args.target_layer}; masks binarised '
                      'at 128, a cell of the 128-px input counts as defect '
                      'if any of its pixels is.'))))
    print(render_tables.render(render_tables.load(path), 'energy'))


if __name__ == '__main__':
    main()
