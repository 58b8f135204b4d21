"""Helpers shared by the dataset tests of this folder."""
import os.path as osp

from mmengine.config import Config
from mmengine.registry import DefaultScope

from defectzoo.cli import check_dataset as check_dataset_cli
from tests.conftest import CONFIGS


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
    """Run ``check_dataset`` (``tools/misc/check_dataset.py``) on a base
    dataset config."""
    path = osp.join(CONFIGS, '_base_', 'datasets', config_name)
    return check_dataset_cli.main([path, '--no-progress', *args])
