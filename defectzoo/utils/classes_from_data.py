"""The classes of a config that leaves them to the data.

A config for the user's own folder does not know how many classes it has:
it writes ``num_classes='from_data'`` (:data:`FROM_DATA`) wherever a model
part needs the number (a classifier head and its preprocessor, a
detector's ``bbox_head``). :func:`set_classes_from_data` fills them in
before the Runner builds the model:

* the classes are those of the **training dataset** as the dataset class
  reads them (``ImageFolderClsDataset``: the sorted class sub-folders,
  mmpretrain's ``CustomDataset`` rule; ``CocoDetDataset``: the JSON file's
  categories; ``VOCDetDataset``: the sorted object names of the XML files),
  built once from the config after ``--data-root`` and ``--cfg-options``;
  or, when testing, those a checkpoint was trained with (its
  ``meta['dataset_meta']['classes']``, which the Runner saves);
* every dataloader's dataset then gets ``metainfo=dict(classes=...)``, so
  that validation and test folders map their folders / names to the same
  labels (a class missing from the validation folder shifts nothing), and
  every :data:`FROM_DATA` ``num_classes`` becomes their number.

A config without :data:`FROM_DATA` is left as it is.
"""
import copy
import os.path as osp
from typing import List, Optional, Tuple

from mmengine.config import Config

from .data.validation import InvalidDataError
from .data_root import leaf_dataset_cfgs

#: The value of ``num_classes`` that :func:`set_classes_from_data` fills.
FROM_DATA = 'from_data'


def _num_classes_keys(node, path: str = '') -> List[Tuple[dict, str, str]]:
    """``(container, key, dotted path)`` of every ``num_classes`` that is
    :data:`FROM_DATA` (dicts and lists, recursively)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f'{path}.{key}' if path else str(key)
            if key == 'num_classes' and value == FROM_DATA:
                found.append((node, key, where))
            else:
                found += _num_classes_keys(value, where)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found += _num_classes_keys(value, f'{path}.{i}')
    return found


def _dataloaders(cfg: Config) -> List[str]:
    """Top-level ``*_dataloader`` keys that hold a dataset."""
    return [
        name for name in cfg.keys() if name.endswith('_dataloader')
        and isinstance(cfg[name], dict) and 'dataset' in cfg[name]
    ]


def _where(dataset_cfg: dict) -> str:
    """The folder (or annotation file) a dataset config reads."""
    leaf = (leaf_dataset_cfgs(dataset_cfg) or [{}])[0]
    root = leaf.get('data_root') or ''
    ann_file = leaf.get('ann_file')
    if ann_file:
        return osp.join(root, ann_file)
    prefix = leaf.get('data_prefix') or ''
    if isinstance(prefix, dict):
        prefix = prefix.get('img', prefix.get('img_path', '')) or ''
    return osp.join(root, prefix) if prefix else (root or '?')


def classes_of_checkpoint(checkpoint: str) -> Optional[Tuple[str, ...]]:
    """The classes a checkpoint saved in ``meta['dataset_meta']`` (None if
    it has none)."""
    from mmengine.runner.checkpoint import CheckpointLoader
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    meta = (ckpt.get('meta') or {}) if isinstance(ckpt, dict) else {}
    classes = (meta.get('dataset_meta') or {}).get('classes')
    return tuple(classes) if classes else None


def classes_of_training_data(cfg: Config) -> Tuple[Tuple[str, ...], str]:
    """Build the config's training dataset (the test dataset when it has
    none): its classes, and the folder (or annotation file) it read.

    Raises:
        InvalidDataError: the dataset found no class, or no sample to train
            on, naming the folder (errors of the dataset itself, e.g. a
            missing folder or a bad file, name theirs).
    """
    from mmengine.registry import DATASETS, DefaultScope
    name = next((n for n in ('train_dataloader', 'test_dataloader')
                 if (cfg.get(n) or {}).get('dataset')), None)
    if name is None:
        raise ValueError("num_classes='from_data' needs a train_dataloader "
                         '(or test_dataloader) dataset to read classes from')
    dataset_cfg = copy.deepcopy(cfg[name]['dataset'])
    where = _where(dataset_cfg)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'defectzoo')):
        dataset = DATASETS.build(dataset_cfg)
    classes = tuple((dataset.metainfo or {}).get('classes') or ())
    if not classes:
        raise InvalidDataError(
            where, 'no classes found in the data (class sub-folders, '
            'annotated object names or categories)')
    if name == 'train_dataloader' and len(dataset) == 0:
        raise InvalidDataError(
            where, f'the training set has no images to train on (classes '
            f'{list(classes)}; images without annotations are left out)')
    return classes, where


def set_classes_from_data(cfg: Config,
                          checkpoint: Optional[str] = None,
                          verbose: bool = True) -> Optional[Tuple[str, ...]]:
    """Fill every ``num_classes='from_data'`` of ``cfg`` and give every
    dataloader's dataset the same classes (in place).

    Call it after ``--data-root`` and ``--cfg-options`` are applied and
    before the Runner is built (``tools/train.py`` does; ``tools/test.py``
    passes the checkpoint). Does nothing and returns None when the config
    has no :data:`FROM_DATA`.

    Args:
        cfg: the config.
        checkpoint: a trained checkpoint (path, URL, ``zoo://``): its
            classes are used when it saved some, else the training data's.
        verbose: print the classes found.

    Returns:
        the classes, or None.
    """
    keys = _num_classes_keys(cfg._cfg_dict)
    if not keys:
        return None
    classes, source = None, None
    if checkpoint:
        classes, source = classes_of_checkpoint(checkpoint), checkpoint
    if not classes:
        classes, source = classes_of_training_data(cfg)
    for name in _dataloaders(cfg):
        for dataset in leaf_dataset_cfgs(cfg[name]['dataset']):
            dataset['metainfo'] = dict(
                dataset.get('metainfo') or {}, classes=classes)
            if dataset.get('classes') is not None:
                dataset['classes'] = classes
    for node, key, _ in keys:
        node[key] = len(classes)
    if verbose:
        print(
            f'{len(classes)} classes from {source}: {", ".join(classes)} '
            f'(num_classes set at {", ".join(k[2] for k in keys)})',
            flush=True)
    return classes
