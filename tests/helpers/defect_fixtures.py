"""Tiny fixtures in the real on-disk formats of NEU, magnetic tile, VOC,
COCO, folder-per-class and image + mask folders (for the issue-3 tests)."""
import json
import os
import os.path as osp

import cv2
import numpy as np

from defectzoo.datasets.neu import NEU_CLASSES

SIZE = 24  # fixture images are SIZE x SIZE


def gray_image(seed: int,
               h: int = SIZE,
               w: int = SIZE,
               channels: int = 3) -> np.ndarray:
    img = np.random.default_rng(seed).integers(0, 255, (h, w), np.uint8)
    return np.repeat(img[..., None], channels, 2) if channels > 1 else img


def write_voc_xml(path: str,
                  filename: str,
                  size,
                  objects,
                  folder: str = 'x') -> None:
    """``objects``: ``[(name, (xmin, ymin, xmax, ymax))]`` (1-based)."""
    w, h = size
    objs = ''.join(f'<object><name>{name}</name><pose>Unspecified</pose>'
                   f'<truncated>0</truncated><difficult>0</difficult><bndbox>'
                   f'<xmin>{b[0]}</xmin><ymin>{b[1]}</ymin><xmax>{b[2]}</xmax>'
                   f'<ymax>{b[3]}</ymax></bndbox></object>'
                   for name, b in objects)
    with open(path, 'w') as f:
        f.write(f'<annotation><folder>{folder}</folder><filename>{filename}'
                f'</filename><size><width>{w}</width><height>{h}</height>'
                f'<depth>1</depth></size><segmented>0</segmented>{objs}'
                '</annotation>')


def make_neu(root: str, per_class: int = 2, classes=NEU_CLASSES) -> str:
    """NEU-DET layout: ``IMAGES/<class>_<n>.jpg`` + ``ANNOTATIONS/*.xml``
    with one box ``(2, 3, 12, 15)`` (1-based) of the file's class, and for
    ``<class>_1`` a second box."""
    os.makedirs(osp.join(root, 'IMAGES'), exist_ok=True)
    os.makedirs(osp.join(root, 'ANNOTATIONS'), exist_ok=True)
    for c, name in enumerate(classes):
        for n in range(1, per_class + 1):
            stem = f'{name}_{n}'
            cv2.imwrite(
                osp.join(root, 'IMAGES', stem + '.jpg'),
                gray_image(c * 100 + n))
            objects = [(name, (2, 3, 12, 15))]
            if n == 1:
                objects.append((name, (10, 10, SIZE, SIZE)))
            write_voc_xml(
                osp.join(root, 'ANNOTATIONS', stem + '.xml'), stem + '.jpg',
                (SIZE, SIZE), objects)
    return root


def defect_mask(h: int = SIZE,
                w: int = SIZE,
                blobs=((2, 3, 6, 8), )) -> np.ndarray:
    """0/255 mask with rectangles ``(x, y, w, h)``, edges grey like the
    real magnetic-tile masks (values 1..254 on the border)."""
    mask = np.zeros((h, w), np.uint8)
    for x, y, bw, bh in blobs:
        mask[y:y + bh, x:x + bw] = 255
        mask[y - 1 if y else y, x:x + bw] = np.maximum(mask[y - 1 if y else y,
                                                            x:x + bw],
                                                       60)  # grey fringe < 128
    return mask


#: folder -> number of images in the magnetic-tile fixture
MT_COUNTS = {
    'Blowhole': 2,
    'Crack': 2,
    'Free': 3,
    'Uneven': 1,
    'Fray': 1,
    'Break': 1
}


def make_magnetic_tile(root: str, counts=None) -> str:
    """``MT_<Class>/Imgs/<id>.jpg`` (grey, 1 channel) + ``<id>.png`` masks;
    defect masks get one blob (Break: two), Free masks are empty."""
    counts = counts or MT_COUNTS
    for c, (name, n) in enumerate(sorted(counts.items())):
        img_dir = osp.join(root, f'MT_{name}', 'Imgs')
        os.makedirs(img_dir, exist_ok=True)
        for i in range(n):
            stem = f'exp1_num_{c}{i}'
            h, w = SIZE, SIZE + 8  # not square, like the real tiles
            cv2.imwrite(
                osp.join(img_dir, stem + '.jpg'),
                gray_image(c * 10 + i, h, w, channels=1))
            if name == 'Free':
                mask = np.zeros((h, w), np.uint8)
            elif name == 'Break':
                mask = defect_mask(h, w, ((2, 3, 6, 8), (20, 10, 5, 5)))
            else:
                mask = defect_mask(h, w)
            cv2.imwrite(osp.join(img_dir, stem + '.png'), mask)
    return root


def make_coco(root: str) -> str:
    """``images/{a,b,c}.png`` + ``annotations/train.json``: a has two boxes
    of class 'scratch', b one 'spot', c none."""
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    images = []
    for i, name in enumerate(['a.png', 'b.png', 'c.png']):
        cv2.imwrite(osp.join(root, 'images', name), gray_image(i))
        images.append(dict(id=i + 1, file_name=name, width=SIZE, height=SIZE))
    anns = [
        dict(
            id=1,
            image_id=1,
            category_id=1,
            bbox=[1, 2, 5, 6],
            area=30,
            iscrowd=0),
        dict(
            id=2,
            image_id=1,
            category_id=1,
            bbox=[10, 10, 4, 4],
            area=16,
            iscrowd=0),
        dict(
            id=3,
            image_id=2,
            category_id=2,
            bbox=[0, 0, 24, 24],
            area=576,
            iscrowd=0),
    ]
    cats = [dict(id=1, name='scratch'), dict(id=2, name='spot')]
    with open(osp.join(root, 'annotations', 'train.json'), 'w') as f:
        json.dump(dict(images=images, annotations=anns, categories=cats), f)
    return root


def make_image_folder(root: str, counts=None) -> str:
    """``<root>/train/<class>/<n>.png``; default good x3, scratch x2."""
    counts = counts or {'good': 3, 'scratch': 2}
    for c, (name, n) in enumerate(sorted(counts.items())):
        os.makedirs(osp.join(root, 'train', name), exist_ok=True)
        for i in range(n):
            cv2.imwrite(
                osp.join(root, 'train', name, f'{i}.png'),
                gray_image(c * 10 + i))
    return root


def make_image_mask(root: str, n: int = 3) -> str:
    """``<root>/train/images/<i>.jpg`` + ``<root>/train/masks/<i>.png``
    (0/255 masks; image 0 has an empty mask)."""
    for sub in ('images', 'masks'):
        os.makedirs(osp.join(root, 'train', sub), exist_ok=True)
    for i in range(n):
        cv2.imwrite(
            osp.join(root, 'train', 'images', f'{i}.jpg'), gray_image(i))
        mask = defect_mask() if i else np.zeros((SIZE, SIZE), np.uint8)
        cv2.imwrite(osp.join(root, 'train', 'masks', f'{i}.png'), mask)
    return root


def truncate(path: str, keep: float = 0.5) -> None:
    """Cut a file to ``keep`` of its size (a broken download)."""
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:int(len(data) * keep)])
