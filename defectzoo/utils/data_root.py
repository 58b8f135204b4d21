"""Move a config's datasets and evaluators to another data root
(``--data-root`` of every tool, ``load_config(data_root=...)``)."""
from mmengine.config import Config

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')

EVALUATORS = ('val_evaluator', 'test_evaluator')


def leaf_dataset_cfgs(node) -> list:
    """The leaf dataset dicts of a dataloader's ``dataset`` (through
    wrappers: ``dataset=...`` / ``datasets=[...]``)."""
    if not isinstance(node, dict):
        return []
    if isinstance(node.get('datasets'), (list, tuple)):
        return [d for sub in node['datasets'] for d in leaf_dataset_cfgs(sub)]
    if isinstance(node.get('dataset'), dict):
        return leaf_dataset_cfgs(node['dataset'])
    return [node]


def set_data_root(cfg: Config, data_root: str) -> list:
    """Move every dataloader's dataset and every evaluator of ``cfg`` to
    ``data_root`` (``--data-root`` of ``tools/train.py`` / ``test.py``).
    A dataset that would generate synthetic data (``synthetic=dict(...)``)
    reads the folder as it is instead (``synthetic=None``).

    The config's data root is the ``data_root`` of its datasets (one value
    for all of them). Each dataset gets ``data_root``; any other path of a
    dataloader or evaluator that starts with the old root (an evaluator's
    ``ann_file``, a dataset's absolute ``ann_file`` / ``data_prefix``) is
    moved under the new one. Returns the changed keys.

    Raises:
        SystemExit: the datasets use several data roots.
    """
    old_roots = {
        d.get('data_root')
        for name in DATALOADERS if cfg.get(name)
        for d in leaf_dataset_cfgs(cfg[name].get('dataset'))
        if d.get('data_root')
    }
    if len(old_roots) > 1:
        raise SystemExit(
            f"--data-root: the config's datasets use several data roots "
            f'({", ".join(sorted(old_roots))}); set each with --cfg-options '
            '<loader>.dataset.data_root=...')
    old = old_roots.pop() if old_roots else None
    changed = []

    def rebase(node, path):
        if isinstance(node, dict):
            for k in list(node):
                node[k] = rebase(node[k], f'{path}.{k}')
        elif isinstance(node, list):
            for i, v in enumerate(node):
                node[i] = rebase(v, f'{path}.{i}')
        elif isinstance(node, str) and old and (
                node == old or node.startswith(old.rstrip('/') + '/')):
            changed.append(path)
            return data_root.rstrip('/') + node[len(old.rstrip('/')):]
        return node

    for name in DATALOADERS + EVALUATORS:
        if cfg.get(name) is None:
            continue
        cfg[name] = rebase(cfg[name], name)
        if name in DATALOADERS:
            for i, dataset in enumerate(
                    leaf_dataset_cfgs(cfg[name].get('dataset'))):
                if dataset.get('data_root') != data_root:
                    changed.append(f'{name}...dataset[{i}].data_root')
                dataset['data_root'] = data_root
                if dataset.get('synthetic') is not None:
                    # your data, read as it is: nothing is generated there
                    dataset['synthetic'] = None
                    changed.append(f'{name}...dataset[{i}].synthetic')
    return changed
