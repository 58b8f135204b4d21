"""Your own folder trains with one command: the configs of
``configs/own_data`` take the classes (and their number) from the data."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from defectzoo.apis import init_inferencer
from defectzoo.cli import train as train_cli
from defectzoo.utils.classes_from_data import FROM_DATA, set_classes_from_data
from defectzoo.utils.data.validation import InvalidDataError
from defectzoo.utils.data_root import set_data_root
from tests.conftest import CONFIGS
from tests.helpers.defect_fixtures import write_voc_xml
from tests.helpers.in_process import run_main

OWN = osp.join(CONFIGS, 'own_data')
CLS = osp.join(OWN,
               'ce_cspnext-tiny_1xb32-adamw-coslr-40e_image-folder-160px.py')
VOC = osp.join(OWN, 'rtmdet_cspnext-tiny_1xb8-adamw-20e_voc-folder-192px.py')
COCO = osp.join(OWN, 'rtmdet_cspnext-tiny_1xb8-adamw-20e_coco-folder-192px.py')
SIZE = 48
#: loaders in the main process, one short epoch
FAST = [
    'train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
    'val_dataloader.batch_size=2', 'default_hooks.logger.interval=1'
] + [
    f'{loader}_dataloader.{key}' for loader in ('train', 'val', 'test')
    for key in ('num_workers=0', 'persistent_workers=False')
]


def _image(path, seed):
    img = np.random.default_rng(seed).integers(0, 255, (SIZE, SIZE, 3),
                                               np.uint8)
    cv2.imwrite(str(path), img)


def make_class_folders(root, splits=None):
    """``root/<split>/<class>/<n>.png``; default: 3 classes, 2 training
    and 1 validation image each."""
    splits = splits or dict(
        train={c: 2
               for c in ('scratch', 'crack', 'ok')},
        val={c: 1
             for c in ('scratch', 'crack', 'ok')})
    for split, counts in splits.items():
        os.makedirs(osp.join(root, split), exist_ok=True)
        for c, (name, count) in enumerate(sorted(counts.items())):
            os.makedirs(osp.join(root, split, name), exist_ok=True)
            for n in range(count):
                _image(osp.join(root, split, name, f'{n}.png'), 10 * c + n)
    return str(root)


#: a box per image: (class, (xmin, ymin, xmax, ymax)), 1-based
BOXES = [('scratch', (4, 6, 30, 20)), ('dent', (10, 10, 40, 44)),
         ('scratch', (2, 20, 46, 30)), ('dent', (20, 4, 36, 24))]


def make_voc(root, boxes=BOXES):
    """A VOC folder: 4 images, ``train.txt`` all of them, ``val.txt`` 2."""
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    ids = []
    for i, obj in enumerate(boxes):
        ids.append(f'{i:03d}')
        _image(osp.join(root, 'JPEGImages', f'{i:03d}.jpg'), i)
        write_voc_xml(
            osp.join(root, 'Annotations', f'{i:03d}.xml'), f'{i:03d}.jpg',
            (SIZE, SIZE), [obj] if obj else [])
    for split, part in (('train', ids), ('val', ids[:2]), ('test', ids[2:])):
        with open(osp.join(root, 'ImageSets/Main', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(part) + '\n')
    return str(root)


def make_coco(root, categories=('hole', 'burr')):
    """A COCO folder: 3 images, train.json and val.json."""
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    images, anns = [], []
    for i in range(3):
        _image(osp.join(root, 'images', f'{i}.jpg'), i)
        images.append(
            dict(id=i, file_name=f'{i}.jpg', width=SIZE, height=SIZE))
        anns.append(
            dict(
                id=i,
                image_id=i,
                category_id=7 + i % len(categories) if categories else 1,
                bbox=[4, 4, 20, 16],
                area=320,
                iscrowd=0))
    data = dict(
        images=images,
        annotations=anns if categories else [],
        categories=[
            dict(id=7 + k, name=name) for k, name in enumerate(categories)
        ])
    for split in ('train', 'val'):
        with open(osp.join(root, 'annotations', f'{split}.json'), 'w') as f:
            json.dump(data, f)
    return str(root)


def _config(path, data_root):
    """The config as ``tools/train.py --data-root`` sees it."""
    cfg = Config.fromfile(path)
    set_data_root(cfg, str(data_root))
    return cfg


def _train(config, data_root, work_dir, *options):
    """``tools/train.py`` in this process: its output."""
    return run_main(train_cli, [
        config, '--data-root', data_root, '--work-dir', work_dir,
        '--cfg-options', *FAST, *options
    ])


def _checkpoint(work_dir):
    path = osp.join(work_dir, 'epoch_1.pth')
    assert osp.isfile(path), os.listdir(work_dir)
    return torch.load(path, map_location='cpu', weights_only=False)


def _log(work_dir):
    logs = [
        osp.join(d, f) for d, _, files in os.walk(work_dir) for f in files
        if f.endswith('.log')
    ]
    return ''.join(open(p).read() for p in logs)


def test_configs_leave_the_classes_to_the_data():
    for path in (CLS, VOC, COCO):
        cfg = Config.fromfile(path)
        text = cfg.pretty_text
        assert f"num_classes='{FROM_DATA}'" in text, path
        assert 'load_from=None' in text.replace(' ', '')  # random init


def test_class_folders_train_with_one_command(tmp_path):
    root = make_class_folders(tmp_path / 'parts')
    work = tmp_path / 'work'
    proc = _train(CLS, root, work,
                  'train_dataloader.dataset.pipeline.1.scale=48',
                  'val_dataloader.dataset.pipeline.1.scale=(48,48)')
    assert '3 classes from' in proc.stdout and 'crack, ok, scratch' in \
        proc.stdout, proc.stdout[-2000:]
    ckpt = _checkpoint(work)
    assert ckpt['meta']['dataset_meta']['classes'] == ('crack', 'ok',
                                                       'scratch')
    assert ckpt['state_dict']['head.fc.weight'].shape[0] == 3
    assert 'accuracy/top1' in _log(work)  # validated at the last epoch

    # tools/test.py / the inferencers: the checkpoint's classes win, so a
    # test folder without a class keeps the training labels
    make_class_folders(tmp_path / 'parts', dict(test={'ok': 1, 'scratch': 1}))
    cfg = _config(CLS, root)
    assert set_classes_from_data(
        cfg, str(work / 'epoch_1.pth'),
        verbose=False) == ('crack', 'ok', 'scratch')
    assert cfg.model.head.num_classes == 3
    assert cfg.data_preprocessor.num_classes == 3
    assert cfg.test_dataloader.dataset.metainfo.classes == ('crack', 'ok',
                                                            'scratch')
    # tools/infer.py: the config and the checkpoint, nothing else
    inferencer = init_inferencer(CLS, str(work / 'epoch_1.pth'))
    [pred] = inferencer.run(
        osp.join(root, 'val', 'ok'), show_progress=False)['predictions']
    assert set(pred['scores']) == {'crack', 'ok', 'scratch'}


def test_voc_folder_trains_with_one_command(tmp_path):
    root = make_voc(tmp_path / 'voc')
    work = tmp_path / 'work'
    proc = _train(VOC, root, work)
    assert '2 classes from' in proc.stdout, proc.stdout[-2000:]
    ckpt = _checkpoint(work)
    assert ckpt['meta']['dataset_meta']['classes'] == ('dent', 'scratch')
    assert ckpt['state_dict']['bbox_head.rtm_cls.0.weight'].shape[0] == 2
    assert 'det/AP50_voc' in _log(work)


def test_coco_folder_classes_are_its_categories(tmp_path):
    root = make_coco(tmp_path / 'coco')
    cfg = _config(COCO, root)
    assert set_classes_from_data(cfg, verbose=False) == ('hole', 'burr')
    assert cfg.model.bbox_head.num_classes == 2
    for loader in ('train', 'val', 'test'):
        dataset = cfg[f'{loader}_dataloader'].dataset
        assert dataset.data_root == root
        assert dataset.metainfo.classes == ('hole', 'burr')
    assert cfg.val_evaluator.ann_file == osp.join(root, 'annotations/val.json')


def test_a_config_without_from_data_is_untouched():
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'resnet',
                 'ce_cspnext-tiny_1xb32-adamw-coslr-40e_neu-cls-160px.py'))
    before = cfg.pretty_text
    assert set_classes_from_data(cfg) is None
    assert cfg.pretty_text == before


@pytest.mark.parametrize(
    'make, config, message',
    [(lambda r: make_class_folders(r, dict(train={})), CLS,
      'train: no class sub-folders'),
     (lambda r: make_class_folders(r, dict(train={'ok': 0})), CLS,
      'train: no images with extensions'),
     (lambda r: make_voc(r, [None, None]), VOC,
      'Annotations: no annotated object in the XML files of the 2 image'),
     (lambda r: make_coco(r, categories=()), COCO,
      'annotations/train.json: no categories')],
    ids=['no-class-folder', 'no-image', 'voc-no-object', 'coco-no-category'])
def test_data_without_classes_is_named(tmp_path, make, config, message):
    root = make(str(tmp_path / 'data'))
    with pytest.raises(InvalidDataError, match=message):
        set_classes_from_data(_config(config, root))


def test_coco_without_boxes_has_nothing_to_train_on(tmp_path):
    root = make_coco(tmp_path / 'coco')
    for split in ('train', 'val'):
        path = osp.join(root, 'annotations', f'{split}.json')
        with open(path) as f:
            data = json.load(f)
        data['annotations'] = []
        with open(path, 'w') as f:
            json.dump(data, f)
    with pytest.raises(
            InvalidDataError,
            match='train.json: the training '
            'set has no images to train on'):
        set_classes_from_data(_config(COCO, root))


def test_empty_folder_is_one_line_naming_it(tmp_path):
    empty = tmp_path / 'empty'
    os.makedirs(empty / 'train')
    # what the console shows (one line, no traceback) and the exit code
    proc = run_main(
        train_cli,
        [CLS, '--data-root', empty, '--work-dir', tmp_path / 'work'],
        expect_failure=True)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (f'Could not start training: InvalidDataError: '
                    f'{osp.join(empty, "train")}: no class sub-folders '
                    f'(expected {osp.join(empty, "train", "<class>")}'
                    '/<image>)'), proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr
