"""Helpers shared by the dataset tests of this folder."""
import importlib.util
import os.path as osp

from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import CONFIGS, REPO_ROOT


def load_tool(rel_path: str):
    """Import a script of ``tools/`` as a module (``tools`` is no package)."""
    path = osp.join(REPO_ROOT, 'tools', rel_path)
    name = 'tool_' + osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_dataset_cfg(name: str, loader: str = 'train_dataloader', **changes):
    """The dataset config of ``configs/_base_/datasets/<name>.py``."""
    cfg = Config.fromfile(osp.join(CONFIGS, '_base_', 'datasets', name))
    # scope and imports come from default_runtime.py (OpenMMLab convention)
    assert 'default_scope' not in cfg and 'custom_imports' not in cfg
    ds = cfg[loader]['dataset'].copy()
    ds.update(changes)
    return ds


def build_dataset(cfg):
    """Build a dataset config in the defectzoo scope, as the Runner does."""
    from defectzoo.registry import DATASETS
    with DefaultScope.overwrite_default_scope('defectzoo'):
        return DATASETS.build(cfg)


def run_check_dataset(config_name: str, *args: str) -> int:
    """Run ``tools/misc/check_dataset.py`` on a base dataset config."""
    tool = load_tool('misc/check_dataset.py')
    path = osp.join(CONFIGS, '_base_', 'datasets', config_name)
    return tool.main([path, '--no-progress', *args])
