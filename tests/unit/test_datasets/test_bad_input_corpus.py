"""The bad-input corpus: generated broken COCO files, images and folders,
each loaded by every detection dataset class that reads COCO
(``CocoDetDataset``, ``SyntheticXRayDetDataset``, ``GDXrayCastingsDataset``)
and by ``XRayImageFolder``, with and without ``skip_invalid``.

Every case ends in one of two outcomes, none passes silently:

* an :class:`InvalidDataError` naming the file and the problem (always for
  problems of the file as a whole; for a problem of one image without
  ``skip_invalid``);
* with ``skip_invalid=True``, the bad image is skipped and counted in
  ``dataset.invalid_samples`` (with the same file and problem) while the
  good image is kept.

The NEU / VOC / mask cases are in ``test_bad_data.py``.
"""
import json
import os
import os.path as osp
import struct
import warnings
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from defectzoo.cli import check_dataset as check_dataset_cli
from defectzoo.datasets import (CocoDetDataset, GDXrayCastingsDataset,
                                SyntheticXRayDetDataset, XRayImageFolder)
from defectzoo.datasets.transforms import LoadImageChecked, LoadXRayImage
from defectzoo.utils.data.validation import InvalidDataError

SIZE = 32
GOOD, BAD = 'a.png', 'b.png'
ANN = 'annotations/train.json'


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels: signature, IHDR,
    a tiny IDAT and IEND. Like a real image bomb (a 389 KB PNG of
    20000 x 20000), its header promises gigabytes once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack('>I', len(data)) + kind + data +
                struct.pack('>I',
                            zlib.crc32(kind + data) & 0xffffffff))

    return (
        b'\x89PNG\r\n\x1a\n' +
        chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
        chunk(b'IDAT', zlib.compress(b'\x00' * 64)) + chunk(b'IEND', b''))


def write_bytes(path, data: bytes):
    with open(path, 'wb') as f:
        f.write(data)


def make_coco(root, classes):
    """Two 32 x 32 8-bit images, one box each, in the COCO layout that all
    three dataset classes read (``annotations/train.json``, ``train/``)."""
    os.makedirs(osp.join(root, 'train'), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    for name in (GOOD, BAD):
        cv2.imwrite(
            osp.join(root, 'train', name), np.full((SIZE, SIZE), 128,
                                                   np.uint8))
    return dict(
        images=[
            dict(id=i + 1, file_name=n, width=SIZE, height=SIZE)
            for i, n in enumerate((GOOD, BAD))
        ],
        annotations=[
            dict(
                id=i + 1,
                image_id=i + 1,
                category_id=1,
                bbox=[4, 4, 10, 8],
                area=80,
                iscrowd=0) for i in range(2)
        ],
        categories=[dict(id=i + 1, name=c) for i, c in enumerate(classes)])


def write_coco(root, coco):
    with open(osp.join(root, ANN), 'w') as f:
        json.dump(coco, f)  # NaN / Infinity as JSON extensions, as json does


def bad_ann(**changes):
    """Change the annotation of the bad image (index 1)."""

    def apply(coco, root):
        coco['annotations'][1].update(changes)

    return apply


def bad_img_entry(**changes):

    def apply(coco, root):
        coco['images'][1].update(changes)

    return apply


def bad_image_file(content=None, array=None):
    """Replace the bad image's file by bytes or an array (None: delete)."""

    def apply(coco, root):
        path = osp.join(root, 'train', BAD)
        os.remove(path)
        if array is not None:
            Image.fromarray(array).save(path)  # 2 channels: mode LA
            h, w = array.shape[:2]
            coco['images'][1].update(width=w, height=h)
            coco['annotations'][1]['bbox'] = [0, 0, min(w, 2), min(h, 2)]
        elif content is not None:
            write_bytes(path, content)

    return apply


def whole_file(fn):

    def apply(coco, root):
        fn(coco)

    return apply


# (id, change, file named: 'ann' | 'ann[b]' | 'img', problem, per image)
# per image: skipped and counted with skip_invalid; else the file is refused.
COCO_CASES = [
    ('nan box', bad_ann(bbox=[4, 4, float('nan'), 8]), 'ann[b]',
     'NaN or infinite values', True),
    ('inf box', bad_ann(bbox=[4, 4, float('inf'), 8]), 'ann[b]',
     'NaN or infinite values', True),
    ('non-numeric box', bad_ann(bbox=['4', 4, 10, 8]), 'ann[b]',
     'non-numeric values', True),
    ('box of 3 values', bad_ann(bbox=[4, 4, 10]), 'ann[b]',
     'bad bbox [4, 4, 10]', True),
    ('box outside the image', bad_ann(bbox=[20, 4, 30, 8]), 'ann[b]',
     'box outside the image', True),
    ('zero-area box', bad_ann(bbox=[4, 4, 0, 8]), 'ann[b]', 'zero-area box',
     True),
    ('unknown category id', bad_ann(category_id=7), 'ann[b]',
     'unknown class: category_id 7', True),
    ('non-numeric width', bad_img_entry(width='abc'), 'ann[b]',
     "bad image width 'abc'", True),
    ('negative width', bad_img_entry(width=-32), 'ann[b]',
     'bad image width -32', True),
    ('annotated size differs', bad_img_entry(width=40), 'ann[b]',
     'annotated image size 40x32 differs', True),
    ('missing image', bad_image_file(), 'img', 'missing image file', True),
    ('empty image', bad_image_file(b''), 'img', 'empty image file', True),
    ('truncated png', bad_image_file(png_header_only(SIZE, SIZE)[:40]), 'img',
     'truncated image: PNG IEND chunk missing', True),
    ('text as png', bad_image_file(b'not an image at all ' * 20), 'img',
     'unreadable image', True),
    ('1x1 image', bad_image_file(array=np.zeros((1, 1), np.uint8)), 'img',
     'image too small: 1x1', True),
    ('2-channel image',
     bad_image_file(array=np.zeros((SIZE, SIZE, 2), np.uint8)), 'img',
     'unexpected mode: 2 channels', True),
    ('image bomb 12000x12000', bad_image_file(png_header_only(12000, 12000)),
     'img', 'image too large: 12000x12000 = 144 megapixels', True),
    ('image bomb 20000x20000', bad_image_file(png_header_only(20000, 20000)),
     'img', 'image too large: 400 megapixels', True),
    ('image entry not an object',
     whole_file(lambda c: c['images'].__setitem__(1, 'b.png')), 'ann',
     'images[1] is not an object', False),
    ('image without file_name', bad_img_entry(file_name=None), 'ann',
     'image without file_name', True),
    ('duplicate image id', bad_img_entry(id=1), 'ann',
     'duplicate image ids: 1', False),
    ('annotation of a missing image', bad_ann(image_id=99), 'ann',
     'annotation 2 refers to image id 99, which is not among the images',
     False),
    ('duplicate annotation id', bad_ann(id=1), 'ann',
     'duplicate annotation id 1', False),
    ('annotation not an object',
     whole_file(lambda c: c['annotations'].__setitem__(1, [1, 2])), 'ann',
     'annotations[1] is not an object', False),
    ('category without id',
     whole_file(lambda c: c['categories'].append(dict(name='x'))), 'ann',
     'category without id or name', False),
    ('no categories', whole_file(lambda c: c.update(categories=[])), 'ann',
     'no categories', False),
]

# Files whose JSON itself is broken: (id, bytes, problem)
JSON_CASES = [
    ('malformed json', b'{"images": [', 'malformed JSON'),
    ('empty json', b'  \n', 'empty annotation file'),
    ('json list', b'[1, 2]', 'not a COCO file: no "images" list'),
    ('annotations not a list', b'{"images": [], "annotations": 3}',
     '"annotations" is not a list'),
]

DATASETS = {
    'CocoDetDataset': (CocoDetDataset, ('defect', ), {}),
    'SyntheticXRayDetDataset': (SyntheticXRayDetDataset, ('critical', 'minor'),
                                dict(synthetic=None, split='train')),
    'GDXrayCastingsDataset': (GDXrayCastingsDataset, ('defect', ), {}),
}


def build(name, root, **kwargs):
    cls, _, extra = DATASETS[name]
    args = dict(
        data_root=root,
        ann_file=ANN,
        data_prefix=dict(img='train/'),
        pipeline=[],
        **extra)
    args.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return cls(**args)


def expect(dataset_name, root, named, problem, per_image, skip_invalid):
    """Build and check the outcome; returns the error or the dataset."""
    path = dict(ann=osp.join(root, ANN), img=osp.join(root, 'train', BAD))
    path['ann[b]'] = f'{path["ann"]}[{BAD}]'
    if per_image and skip_invalid:
        dataset = build(dataset_name, root, skip_invalid=True)
        assert len(dataset) == 1  # the good image is kept
        assert dataset.get_data_info(0)['img_path'].endswith(GOOD)
        [error] = dataset.invalid_samples  # the bad one skipped, counted
    else:
        with pytest.raises(InvalidDataError) as info:
            build(dataset_name, root, skip_invalid=skip_invalid)
        error = info.value
    assert error.path == path[named], str(error)
    assert problem in error.problem, str(error)


@pytest.mark.parametrize(
    'skip_invalid', [False, True], ids=['raise', 'skip_invalid'])
@pytest.mark.parametrize('dataset_name', list(DATASETS))
@pytest.mark.parametrize('case', COCO_CASES, ids=[c[0] for c in COCO_CASES])
def test_coco_corpus(tmp_path, case, dataset_name, skip_invalid):
    _, change, named, problem, per_image = case
    root = str(tmp_path)
    coco = make_coco(root, DATASETS[dataset_name][1])
    change(coco, root)
    write_coco(root, coco)
    expect(dataset_name, root, named, problem, per_image, skip_invalid)


@pytest.mark.parametrize(
    'skip_invalid', [False, True], ids=['raise', 'skip_invalid'])
@pytest.mark.parametrize('case', JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_broken_json(tmp_path, case, skip_invalid):
    _, content, problem = case
    root = str(tmp_path)
    make_coco(root, ('defect', ))
    write_bytes(osp.join(root, ANN), content)
    for name in DATASETS:
        expect(name, root, 'ann', problem, False, skip_invalid)


def test_good_coco_loads_everywhere(tmp_path):
    for name, (_, classes, _) in DATASETS.items():
        root = str(tmp_path / name)
        write_coco(root, make_coco(root, classes))
        dataset = build(name, root)
        assert len(dataset) == 2 and not dataset.invalid_samples
        assert dataset.get_data_info(1)['instances'][0]['bbox'] == [
            4.0, 4.0, 14.0, 12.0
        ]


# XRayImageFolder (unlabelled pretraining images): (id, bad file, problem)
FOLDER_CASES = [
    ('empty image', b'', 'empty image file (0 bytes)'),
    ('truncated png', png_header_only(SIZE, SIZE)[:40],
     'truncated image: PNG IEND chunk missing'),
    ('text as png', b'not an image at all ' * 20, 'unreadable image'),
    ('1x1 image', np.zeros((1, 1), np.uint16), 'image too small: 1x1'),
    ('image bomb', png_header_only(12000, 12000), 'image too large'),
]


@pytest.mark.parametrize(
    'skip_invalid', [False, True], ids=['raise', 'skip_invalid'])
@pytest.mark.parametrize(
    'case', FOLDER_CASES, ids=[c[0] for c in FOLDER_CASES])
def test_xray_folder_corpus(tmp_path, case, skip_invalid):
    _, bad, problem = case
    cv2.imwrite(str(tmp_path / GOOD), np.full((SIZE, SIZE), 999, np.uint16))
    path = str(tmp_path / BAD)
    if isinstance(bad, np.ndarray):
        cv2.imwrite(path, bad)
    else:
        write_bytes(path, bad)
    if skip_invalid:
        with pytest.warns(UserWarning, match='skipped 1 invalid sample'):
            dataset = XRayImageFolder(
                data_root=str(tmp_path), skip_invalid=True)
        assert len(dataset) == 1
        assert dataset.get_data_info(0)['img_path'].endswith(GOOD)
        [error] = dataset.invalid_samples
    else:
        with pytest.raises(InvalidDataError) as info:
            XRayImageFolder(data_root=str(tmp_path))
        error = info.value
    assert error.path == path and problem in error.problem, str(error)


@pytest.mark.parametrize('transform', [LoadXRayImage, LoadImageChecked])
def test_loading_refuses_a_bomb_before_decoding(tmp_path, transform):
    path = str(tmp_path / 'bomb.png')
    write_bytes(path, png_header_only(20000, 20000))
    with pytest.raises(InvalidDataError, match='image too large'):
        transform()(dict(img_path=path))
    write_bytes(path, png_header_only(12000, 12000))
    with pytest.raises(
            InvalidDataError,
            match=r'12000x12000 .* more than max_pixels=5000'):
        transform(max_pixels=5000)(dict(img_path=path))
    # the limit is configurable: a 64 x 64 image passes 4096, not 4095
    cv2.imwrite(path, np.zeros((64, 64), np.uint8))
    assert transform(max_pixels=4096)(dict(img_path=path))['img'].shape[:2] \
        == (64, 64)
    with pytest.raises(InvalidDataError, match='max_pixels=4095'):
        transform(max_pixels=4095)(dict(img_path=path))
    with pytest.raises(InvalidDataError, match='image too small: 64x64'):
        transform(min_size=65)(dict(img_path=path))


def test_min_size_and_max_pixels_are_dataset_options(tmp_path):
    root = str(tmp_path)
    write_coco(root, make_coco(root, ('defect', )))
    assert len(build('CocoDetDataset', root, min_size=32)) == 2
    with pytest.raises(InvalidDataError, match='image too small: 32x32'):
        build('CocoDetDataset', root, min_size=33)
    with pytest.raises(InvalidDataError, match='max_pixels=1000'):
        build('CocoDetDataset', root, max_pixels=1000)


def test_check_dataset_reports_xray_problems(tmp_path, capsys):
    root = str(tmp_path)
    coco = make_coco(root, ('critical', 'minor'))
    bad_ann(category_id=7)(coco, root)
    coco['annotations'][0]['bbox'] = [20, 4, 30, 8]  # outside the image
    write_coco(root, coco)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(
        "default_scope = 'defectzoo'\n"
        'train_dataloader = dict(dataset=dict(type='
        f"'SyntheticXRayDetDataset', data_root={root!r}, synthetic=None, "
        "split='train', pipeline=[]))\n")
    assert check_dataset_cli.main([str(cfg), '--no-progress']) == 1
    out = capsys.readouterr().out
    assert f'{root}/{ANN}[{BAD}]: unknown class: category_id 7' in out
    assert f'{root}/{ANN}[{GOOD}]: box outside the image' in out
    assert '2 problem(s) found.' in out
    # --min-size flags the 32 x 32 images too
    write_coco(root, make_coco(root, ('critical', 'minor')))
    assert check_dataset_cli.main([str(cfg), '--no-progress']) == 0
    assert check_dataset_cli.main(
        [str(cfg), '--no-progress', '--min-size', '64']) == 1
    assert 'image too small: 32x32' in capsys.readouterr().out


def test_error_in_a_dataloader_worker_keeps_file_and_problem(tmp_path):
    """torch re-raises a worker's exception as ``type(message)``: it is
    still an InvalidDataError naming the file and the problem."""
    from torch.utils.data import DataLoader
    path = str(tmp_path / BAD)
    write_bytes(path, b'')
    loader = DataLoader([dict(img_path=path)],
                        num_workers=1,
                        collate_fn=lambda batch: LoadImageChecked()(batch[0]))
    with pytest.raises(InvalidDataError) as info:
        next(iter(loader))
    assert (info.value.path,
            info.value.problem) == (path, 'empty image file (0 bytes)')
    assert str(info.value) == f'{path}: empty image file (0 bytes)'
