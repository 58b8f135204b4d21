"""Writers of the synthetic data sets: files on disk from the generators.

- :func:`generate_synthetic_xray`: the synthetic X-ray castings data set
  (16-bit PNGs, COCO annotations, instance masks, a manifest), written once
  per parameter set;
- :func:`write_neu_layout`: a synthetic surface data set in NEU-DET's
  layout (images, VOC XML boxes, class-index masks);
- :func:`save_sample_grid`: a palette PNG of surface samples per class.
"""
import json
import os
import os.path as osp
import shutil
import uuid
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence

import cv2
import numpy as np

from ...utils.image_grid import tile_images
from .surface_defects import DEFECT_CLASSES, PALETTE
from .xray_castings import (CLASS_RULE, CLASSES, DEFAULT_DEFECT_WEIGHTS,
                            GENERATOR_VERSION, LABELLED_SPLITS, MANIFEST,
                            MASK_FORMAT, generate_xray_sample)

if TYPE_CHECKING:
    from ..synthetic_surface import SyntheticSurfaceDefectDataset


def _coco_annotations(sample: dict, image_id: int,
                      first_ann_id: int) -> List[dict]:
    """COCO annotations (RLE masks, xywh boxes) of one sample."""
    from pycocotools import mask as mask_utils
    anns = []
    for k, inst in enumerate(sample['instances'], 1):
        mask = np.asfortranarray((sample['inst_map'] == k).astype(np.uint8))
        rle = mask_utils.encode(mask)
        rle['counts'] = rle['counts'].decode('ascii')
        x1, y1, x2, y2 = inst['bbox']
        anns.append(
            dict(
                id=first_ann_id + k - 1,
                image_id=image_id,
                category_id=inst['label'] + 1,
                bbox=[x1, y1, x2 - x1, y2 - y1],
                area=inst['area'],
                iscrowd=0,
                segmentation=rle,
                defect_type=inst['defect_type'],
                mask_value=k))
    return anns


def _to_8bit(img: np.ndarray) -> np.ndarray:
    """The 0.05-99.95th percentile range mapped linearly to 0-255."""
    lo, hi = np.percentile(img, (0.05, 99.95))
    out = (img.astype(np.float32) - lo) * (255 / max(hi - lo, 1))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _params(**kwargs) -> dict:
    """Generation parameters as stored in (and compared with) the
    manifest: JSON-normalised, plus the generator version."""
    params = dict(kwargs, generator_version=GENERATOR_VERSION)
    if params['defect_weights'] is None:
        params['defect_weights'] = DEFAULT_DEFECT_WEIGHTS
    return json.loads(json.dumps(params, sort_keys=True))


def _existing_state(out_dir: str, params: dict) -> str:
    """``'reuse'`` / ``'generate'``; raise for conflicts or foreign data."""
    if not osp.exists(out_dir):
        return 'generate'
    if not osp.isdir(out_dir):
        raise FileExistsError(f'{out_dir} exists and is not a folder; choose '
                              'another folder for the synthetic X-ray data')
    manifest = osp.join(out_dir, MANIFEST)
    if osp.isfile(manifest):
        with open(manifest) as f:
            old = json.load(f).get('params')
        if old == params:
            return 'reuse'
        diff = sorted(
            k for k in set(old or {}) | set(params)
            if (old or {}).get(k) != params.get(k))
        raise FileExistsError(
            f'{out_dir} already holds synthetic X-ray data generated with '
            f'other parameters (differing: {diff}; stored: '
            f'{ {k: (old or {}).get(k) for k in diff} }, requested: '
            f'{ {k: params.get(k) for k in diff} }). Choose another folder '
            '(data_root / OUT_DIR) or use the same parameters; it is never '
            'overwritten.')
    if os.listdir(out_dir):
        raise FileExistsError(
            f'{out_dir} is not empty and has no {MANIFEST} of a synthetic '
            'X-ray data set; refusing to write into it (existing files are '
            'never overwritten). Choose an empty or new folder.')
    return 'generate'


def _write_dataset(root: str, params: dict, show_progress: bool) -> None:
    from mmengine.utils import ProgressBar
    splits = dict(
        unlabelled=params['num_unlabelled'],
        train=params['num_train'],
        val=params['num_val'])
    gen_args = {
        k: params[k]
        for k in ('img_size', 'num_defects', 'critical_size', 'defect_weights')
    }
    gen_args['max_defect_size'] = params.get('max_defect_size')
    single_class = params.get('single_class', False)
    classes = ('defect', ) if single_class else CLASSES
    bar = ProgressBar(sum(splits.values())) if show_progress else None
    os.makedirs(osp.join(root, 'annotations'))
    for split, count in splits.items():
        os.makedirs(osp.join(root, split))
        labelled = split in LABELLED_SPLITS
        if labelled:
            os.makedirs(osp.join(root, 'masks', split))
        images, anns = [], []
        for i in range(count):
            args = dict(gen_args)
            if split == 'unlabelled' and params.get('unlabelled_defects'):
                args['num_defects'] = params['unlabelled_defects']
            sample = generate_xray_sample(
                params['seed'], i, split=split, **args)
            name = f'{i:06d}.png'
            img = sample['img']
            if params.get('bit_depth', 16) == 8:
                img = _to_8bit(img)
            cv2.imwrite(osp.join(root, split, name), img)
            if labelled:
                cv2.imwrite(
                    osp.join(root, 'masks', split, name), sample['inst_map'])
                images.append(
                    dict(
                        id=i + 1,
                        file_name=name,
                        width=params['img_size'],
                        height=params['img_size']))
                if single_class:
                    for inst in sample['instances']:
                        inst['label'] = 0
                anns += _coco_annotations(sample, i + 1, len(anns) + 1)
            if bar is not None:
                bar.update()
        if labelled:
            coco = dict(
                info=dict(
                    description='defectzoo synthetic X-ray castings',
                    version=str(GENERATOR_VERSION)),
                licenses=[],
                images=images,
                annotations=anns,
                categories=[
                    dict(id=i + 1, name=c, supercategory='defect')
                    for i, c in enumerate(classes)
                ])
            with open(osp.join(root, 'annotations', f'{split}.json'),
                      'w') as f:
                json.dump(coco, f)
    manifest = dict(
        generator='defectzoo.datasets.synthetic.xray_castings',
        params=params,
        counts=splits,
        classes=list(classes),
        class_rule='one class' if single_class else CLASS_RULE,
        mask_format=MASK_FORMAT,
        image_format=f'{params.get("bit_depth", 16)}-bit grayscale PNG, '
        'bright = more transmitted X-rays (defects are brighter)')
    with open(osp.join(root, MANIFEST), 'w') as f:  # written last
        json.dump(manifest, f, indent=2)


def _generate_once(out_dir: str, params: dict, show_progress: bool) -> None:
    if _existing_state(out_dir, params) == 'reuse':
        return
    parent, name = osp.split(osp.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = osp.join(parent, f'.{name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}')
    try:
        _write_dataset(tmp, params, show_progress)
        try:
            if osp.isdir(out_dir) and not os.listdir(out_dir):
                os.rmdir(out_dir)  # an empty folder may be replaced
            os.rename(tmp, out_dir)  # atomic: all or nothing
        except OSError:
            # Another process finished first: use its data if it matches.
            if _existing_state(out_dir, params) != 'reuse':
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generate_synthetic_xray(out_dir: str,
                            num_unlabelled: int = 500,
                            num_train: int = 200,
                            num_val: int = 50,
                            img_size: int = 512,
                            seed: int = 0,
                            num_defects: Sequence[int] = (1, 5),
                            critical_size: float = 0.025,
                            defect_weights: Optional[Dict[str, float]] = None,
                            bit_depth: int = 16,
                            single_class: bool = False,
                            max_defect_size: Optional[int] = None,
                            unlabelled_defects: Optional[Sequence[int]] = None,
                            show_progress: Optional[bool] = None) -> str:
    """Write a synthetic X-ray castings data set once and return ``out_dir``.

    Layout::

        out_dir/
            manifest.json            generation parameters, class rule, ...
            unlabelled/000000.png    16-bit grayscale, for self-supervision
            train/000000.png         16-bit grayscale
            val/000000.png
            annotations/train.json   COCO: categories critical (1), minor (2),
            annotations/val.json     bbox xywh, area, iscrowd 0, RLE masks,
                                     plus defect_type and mask_value
            masks/train/000000.png   uint8 instance ids (0 = background,
            masks/val/000000.png     k = annotation with mask_value k)

    Image ``i`` of a split is ``generate_xray_sample(seed, i, split=...)``.

    Generated once: a folder whose manifest has the same parameters is
    reused; different parameters, or a non-empty folder without a manifest,
    raise :class:`FileExistsError` (nothing is ever overwritten). Data are
    written to a temporary sibling folder and renamed atomically, so
    concurrent processes are safe; under ``torch.distributed`` rank 0
    generates while the other ranks wait.

    Args:
        num_unlabelled, num_train, num_val: images per split.
        img_size, seed, num_defects, critical_size, defect_weights,
            max_defect_size: see :func:`generate_xray_sample`.
        bit_depth: 16 (the detector's counts) or 8 (the 0.05-99.95th
            percentile range of each image mapped linearly to 0-255, as
            published castings series are stored).
        single_class: one category ``defect`` instead of the class rule.
        unlabelled_defects: ``num_defects`` of the unlabelled split only;
            ``(0, 0)`` makes it a folder of good (defect-free) parts.
        show_progress: mmengine progress bar; default: when >= 100 images.
    """
    from mmengine.dist import barrier, get_dist_info
    if not out_dir:
        raise ValueError('generate_synthetic_xray needs an output folder '
                         '(data_root)')
    params = _params(
        num_unlabelled=int(num_unlabelled),
        num_train=int(num_train),
        num_val=int(num_val),
        img_size=int(img_size),
        seed=int(seed),
        num_defects=[int(n) for n in num_defects],
        critical_size=float(critical_size),
        defect_weights=defect_weights,
        # stored only when not the default, so earlier sets are reused
        **{
            k: v
            for k, v in dict(
                bit_depth=int(bit_depth),
                single_class=bool(single_class),
                max_defect_size=max_defect_size,
                unlabelled_defects=None if unlabelled_defects is
                None else [int(n) for n in unlabelled_defects]).items()
            if v != dict(
                bit_depth=16,
                single_class=False,
                max_defect_size=None,
                unlabelled_defects=None)[k]
        })
    if bit_depth not in (8, 16):
        raise ValueError(f'bit_depth must be 8 or 16, got {bit_depth}')
    if show_progress is None:
        show_progress = num_unlabelled + num_train + num_val >= 100
    _existing_state(out_dir, params)  # every rank fails early on conflicts
    rank, world_size = get_dist_info()
    if world_size > 1 and rank != 0:
        barrier()  # wait for rank 0; generates only on node-local disks
        _generate_once(out_dir, params, False)
    else:
        _generate_once(out_dir, params, show_progress)
        if world_size > 1:
            barrier()
    return out_dir


def save_sample_grid(dataset: 'SyntheticSurfaceDefectDataset',
                     path: str,
                     rows: int = 3,
                     tile: int = 112,
                     outline_row: bool = True) -> np.ndarray:
    """Save a grid of samples of a ``task='cls'`` dataset: one column per
    class (name on top), ``rows`` samples each, and a last row of samples
    with their mask outlines in the class colours.

    Written as an 8-bit palette PNG (248 grey levels + the class colours),
    which keeps it small. Returns the RGB grid.
    """
    from PIL import Image
    assert dataset.task == 'cls', 'save_sample_grid needs task="cls"'
    classes = dataset.metainfo['classes']
    ncls = len(classes)
    n_grey = 248
    header = 18
    cells = []  # palette indices, row by row
    for r in range(rows + outline_row):
        for c in range(ncls):
            index = c + ncls * r  # labels are index % num_classes
            sample = dataset.generate(index)
            img = cv2.resize(
                sample['img'], (tile, tile), interpolation=cv2.INTER_AREA)
            cell = np.round(img.astype(np.float32) * (n_grey - 1) /
                            255).astype(np.uint8)
            if r == rows:
                for inst in sample['instances']:
                    m = cv2.resize(
                        inst['mask'].astype(np.uint8), (tile, tile),
                        interpolation=cv2.INTER_NEAREST)
                    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL,
                                                   cv2.CHAIN_APPROX_NONE)
                    cv2.drawContours(cell, contours, -1,
                                     n_grey + 1 + inst['label'], 1)
            cells.append(cell)
    body = tile_images(cells, ncls)
    grid = np.zeros((header + body.shape[0], body.shape[1]), np.uint8)
    grid[header:] = body
    for c, name in enumerate(classes):
        cv2.putText(grid, name, (c * tile + 4, header - 5),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.42, n_grey - 1, 1, cv2.LINE_AA)
    # anti-aliased text may produce grey indices; fine (all are grey levels)
    palette = []
    for v in range(n_grey):
        g = int(round(v * 255 / (n_grey - 1)))
        palette += [g, g, g]
    for rgb in PALETTE:
        palette += list(rgb)
    palette += [0, 0, 0] * (256 - len(palette) // 3)
    im = Image.fromarray(grid, mode='P')
    im.putpalette(palette)
    im.save(path, optimize=True)
    return np.asarray(im.convert('RGB'))


def write_neu_layout(out_dir: str,
                     dataset: 'SyntheticSurfaceDefectDataset',
                     ext: str = '.jpg') -> Dict[str, int]:
    """Write a ``task='cls'`` dataset in the NEU-DET layout.

    ``IMAGES/<class>_<n>.<ext>``, Pascal VOC boxes
    ``ANNOTATIONS/<class>_<n>.xml`` and class-index masks
    ``MASKS/<class>_<n>.png`` (0 = background, ``1 + label`` in
    :data:`DEFECT_CLASSES` order). Returns images per class.
    """
    import os
    from xml.sax.saxutils import escape
    assert dataset.task == 'cls', 'write_neu_layout needs task="cls"'
    for sub in ('IMAGES', 'ANNOTATIONS', 'MASKS'):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
    counts: Dict[str, int] = {}
    classes = dataset.metainfo['classes']
    for idx in range(len(dataset)):
        index = dataset.get_data_info(idx, generate=False)['gen_index']
        name = classes[dataset._label_of(index)]
        counts[name] = counts.get(name, 0) + 1
        stem = f'{name}_{counts[name]}'
        sample = dataset.generate(index)
        img = sample['img']
        h, w = img.shape
        cv2.imwrite(osp.join(out_dir, 'IMAGES', stem + ext), img)
        cv2.imwrite(
            osp.join(out_dir, 'MASKS', stem + '.png'), sample['seg_map'])
        objs = ''.join(
            '  <object>\n'
            f'    <name>{escape(DEFECT_CLASSES[i["label"]])}</name>\n'
            '    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n'
            '    <difficult>0</difficult>\n    <bndbox>\n'
            # VOC: 1-based inclusive pixel corners
            f'      <xmin>{int(i["bbox"][0]) + 1}</xmin>\n'
            f'      <ymin>{int(i["bbox"][1]) + 1}</ymin>\n'
            f'      <xmax>{int(i["bbox"][2])}</xmax>\n'
            f'      <ymax>{int(i["bbox"][3])}</ymax>\n'
            '    </bndbox>\n  </object>\n' for i in sample['instances'])
        xml = ('<annotation>\n  <folder>IMAGES</folder>\n'
               f'  <filename>{stem}{ext}</filename>\n'
               '  <source><database>defectzoo synthetic surface'
               '</database></source>\n'
               f'  <size>\n    <width>{w}</width>\n    <height>{h}</height>\n'
               '    <depth>1</depth>\n  </size>\n  <segmented>1</segmented>\n'
               f'{objs}</annotation>\n')
        with open(osp.join(out_dir, 'ANNOTATIONS', stem + '.xml'), 'w') as f:
            f.write(xml)
    return counts
