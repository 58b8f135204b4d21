"""Sample a synthetic defect data set from a trained Magna-Defect-GAN.

New masks are drawn from the real training masks of CONFIG (shifted,
rotated, scaled, combined: ``defectzoo.datasets.synthetic.mask_sampler``),
guide vectors picked (defect type of the source mask, brightness / texture
bins from the real distribution, or fixed with ``--guide``), and the
generator makes one image per mask. Written in the image-mask folder layout
that defectzoo's loaders read::

    OUT/images/syn_000000.png     generated image (grey)
    OUT/masks/syn_000000.png      its mask (0 / 255)
    OUT/labels.txt                'images/syn_000000.png <type index>'
    OUT/labels_binary.txt         'images/syn_000000.png 1' (defect)
    OUT/classes.txt               the defect types, one a line
    OUT/meta.json                 guide values and source masks per image
    OUT/grid.png                  preview: mask | generated, 8 rows

Read it with ``ImageMaskFolderDataset`` (segmentation),
``ImageFolderClsDataset(ann_file='labels.txt', metainfo=dict(classes=...))``
(defect-type classification) or ``ann_file='labels_binary.txt'`` with
``classes=('free', 'defect')`` (defect vs. free); mixing it into a training
set is shown in configs/magna_defect_gan/README.md.

Example::

    python tools/misc/sample_defects.py \\
        configs/magna_defect_gan/magna-defect-gan_*_synthetic-surface-*.py \\
        work_dirs/gan/iter_7000.pth --num 1000 --out data/synthetic_defects \\
        --guide brightness=2
"""
import argparse
import json
import os
import os.path as osp

import cv2
import numpy as np
import torch

from defectzoo.apis import init_model
from defectzoo.datasets.synthetic.mask_sampler import MaskSampler
from defectzoo.datasets.transforms.defect_pair import guide_dims
from defectzoo.registry import DATASETS
from defectzoo.utils.data_root import set_data_root
from .config_options import add_config_args
from .errors import reporting_errors

ATTRIBUTES = ('defect_type', 'brightness', 'texture')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Sample synthetic defect images from a trained GAN')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--num', type=int, default=100, help='number of images')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument(
        '--guide',
        nargs='*',
        default=[],
        metavar='ATTR=VALUE',
        help='fix guide attributes: defect_type=<name>, '
        'brightness=<bin>, texture=<bin>')
    parser.add_argument('--rotation', type=float, default=180.)
    parser.add_argument('--scale', type=float, nargs=2, default=(0.7, 1.3))
    parser.add_argument('--shift', type=float, default=0.25)
    parser.add_argument('--combine-prob', type=float, default=0.3)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--max-masks',
        type=int,
        default=None,
        help='use at most this many real masks')
    add_config_args(parser)
    return parser.parse_args(argv)


def find_guide_transform(pipeline):
    for t in pipeline:
        if t.get('type', '').split('.')[-1] == 'DefectGuideVector':
            return t
    raise ValueError('the training pipeline of the config has no '
                     'DefectGuideVector transform')


def parse_fixed_guide(items, guide_cfg):
    """``['defect_type=Crack', 'brightness=2']`` -> ``{0: idx, 1: 2}``."""
    types = list(guide_cfg['defect_types'])
    dims = guide_dims(types, guide_cfg.get('brightness_edges', (75., 95.)),
                      guide_cfg.get('texture_edges', (5.5, 7.5)))
    fixed = {}
    for item in items:
        name, _, value = item.partition('=')
        if name not in ATTRIBUTES:
            raise ValueError(f'--guide {item}: unknown attribute {name!r}; '
                             f'attributes: {list(ATTRIBUTES)}')
        attr = ATTRIBUTES.index(name)
        if attr == 0:
            if value not in types:
                raise ValueError(f'--guide {item}: defect type {value!r} is '
                                 f'not one of {types}')
            fixed[0] = types.index(value)
            continue
        try:
            idx = int(value)
        except ValueError:
            idx = -1
        if not 0 <= idx < dims[attr]:
            raise ValueError(f'--guide {item}: {name} must be a bin index '
                             f'in 0..{dims[attr] - 1}')
        fixed[attr] = idx
    return fixed


def collect_real_masks(cfg, max_masks=None):
    """(masks, guides) of the config's training pairs at the GAN size."""
    from mmengine.utils import ProgressBar
    ds_cfg = cfg.train_dataloader.dataset
    pipeline = [
        t for t in ds_cfg.pipeline
        if t['type'].split('.')[-1] not in ('RandomFlip', )
    ]
    dataset = DATASETS.build(dict(ds_cfg, pipeline=pipeline))
    n = len(dataset) if max_masks is None else min(max_masks, len(dataset))
    masks, guides = [], []
    print(f'reading {n} real masks')
    bar = ProgressBar(n)
    for i in range(n):
        item = dataset[i]['inputs']
        masks.append(item['mask'][0].numpy())
        guides.append(item['guide'].numpy())
        bar.update()
    print()
    return masks, guides


def write_grid(path, masks, images, rows=8):
    from PIL import Image
    from torchvision.utils import make_grid
    n = min(rows * 2, len(images))
    tiles = []
    for m, im in zip(masks[:n], images[:n]):
        tiles += [torch.from_numpy(m * 255)[None], torch.from_numpy(im)[None]]
    grid = make_grid(
        torch.stack(tiles).float() / 255, nrow=4, padding=2, pad_value=1)
    Image.fromarray(
        (grid[0].numpy() * 255).round().astype(np.uint8)).save(path)


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.utils import ProgressBar
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'defectzoo'))
    guide_cfg = find_guide_transform(cfg.train_dataloader.dataset.pipeline)
    types = list(guide_cfg['defect_types'])
    fixed = parse_fixed_guide(args.guide, guide_cfg)

    # refuses a checkpoint that is unsafe, unreadable or of another model
    model = init_model(cfg, args.checkpoint)

    masks, guides = collect_real_masks(cfg, args.max_masks)
    sampler = MaskSampler(
        masks,
        guides,
        rotation=args.rotation,
        scale=tuple(args.scale),
        shift=args.shift,
        combine_prob=args.combine_prob,
        fixed_guide=fixed,
        seed=args.seed)
    for sub in ('images', 'masks'):
        os.makedirs(osp.join(args.out, sub), exist_ok=True)
    gen = torch.Generator().manual_seed(args.seed)
    meta, labels, grid_masks, grid_imgs = [], [], [], []
    print(f'generating {args.num} images')
    bar = ProgressBar(args.num)
    done = 0
    while done < args.num:
        b = min(args.batch_size, args.num - done)
        drawn = [sampler.sample() for _ in range(b)]
        mask = torch.from_numpy(np.stack([d[0] for d in drawn]))[:, None]
        guide = torch.from_numpy(np.stack([d[1] for d in drawn]))
        with torch.no_grad():
            fake = model.generate(mask.float(), guide,
                                  model.draw_noise(b, gen))
        imgs = ((fake.clamp(-1, 1) + 1) * 127.5).round().to(
            torch.uint8).numpy()
        for (m, g, src), img in zip(drawn, imgs):
            stem = f'syn_{done:06d}'
            img = img.transpose(1, 2, 0)
            cv2.imwrite(osp.join(args.out, 'images', stem + '.png'), img)
            cv2.imwrite(osp.join(args.out, 'masks', stem + '.png'), m * 255)
            rel = f'images/{stem}.png'
            labels.append((rel, int(g[0]) if len(g) else 0))
            meta.append(
                dict(
                    file=rel,
                    mask=f'masks/{stem}.png',
                    guide={
                        a: int(v)
                        for a, v in zip(ATTRIBUTES, g)
                    },
                    defect_type=types[int(g[0])] if len(g) else None,
                    source_masks=[int(s) for s in src]))
            if len(grid_imgs) < 16:
                grid_masks.append(m)
                grid_imgs.append(img[..., 0])
            done += 1
            bar.update()
    print()
    with open(osp.join(args.out, 'labels.txt'), 'w') as f:
        f.writelines(f'{rel} {lab}\n' for rel, lab in labels)
    with open(osp.join(args.out, 'labels_binary.txt'), 'w') as f:
        f.writelines(f'{rel} 1\n' for rel, _ in labels)
    with open(osp.join(args.out, 'classes.txt'), 'w') as f:
        f.writelines(f'{t}\n' for t in types)
    with open(osp.join(args.out, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                seed=args.seed,
                defect_types=types,
                attributes=list(ATTRIBUTES),
                images=meta),
            f,
            indent=1)
    write_grid(osp.join(args.out, 'grid.png'), grid_masks, grid_imgs)
    print(f'wrote {args.num} images to {args.out} (preview: '
          f'{osp.join(args.out, "grid.png")})')
