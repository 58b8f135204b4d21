"""A third-party package extends defectzoo's registries without editing it."""
import os.path as osp
import textwrap

import torch

from tests.conftest import PYTHON, REPO_ROOT, run_cli, tiny_simsiam_config

EXTERNAL_PACKAGE = '''
"""An external package: registers a backbone into defectzoo's registry."""
import torch.nn as nn
from mmengine.model import BaseModule

from defectzoo.registry import MODELS


@MODELS.register_module()
class PlantXRayNet(BaseModule):
    """A two-conv backbone returning a 1-tuple like mmpretrain backbones."""

    def __init__(self, width=16, init_cfg=None):
        super().__init__(init_cfg)
        self.body = nn.Sequential(
            nn.Conv2d(3, width, 3, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, 2, 1), nn.BatchNorm2d(width), nn.ReLU())

    def forward(self, x):
        return (self.body(x), )
'''


def test_external_package_module_used_by_config(tmp_path, xray_root):
    pkg = tmp_path / 'site' / 'plant_ext'
    pkg.mkdir(parents=True)
    (pkg / '__init__.py').write_text(textwrap.dedent(EXTERNAL_PACKAGE))
    cfg = tiny_simsiam_config(
        tmp_path,
        xray_root,
        extra="""
custom_imports = dict(imports=['defectzoo', 'plant_ext'],
                      allow_failed_imports=False)
model = dict(backbone=dict(_delete_=True, type='PlantXRayNet', width=16),
             neck=dict(in_channels=16))
train_cfg = dict(max_epochs=1)
""")
    work_dir = tmp_path / 'work'
    # a child process on purpose: a fresh interpreter that finds the package
    # on its PYTHONPATH, as a user's would, and imports it through
    # custom_imports alone, before defectzoo's lazily registered modules
    run_cli([
        PYTHON,
        osp.join(REPO_ROOT, 'tools', 'train.py'), cfg, '--work-dir',
        str(work_dir)
    ],
            env_extra=dict(PYTHONPATH=str(tmp_path / 'site')))
    state = torch.load(
        work_dir / 'epoch_1.pth', weights_only=True)['state_dict']
    assert state['backbone.body.0.weight'].shape == (16, 3, 3, 3)


def test_registries_are_children_of_mmengine_and_lazy():
    import mmengine.registry as root

    from defectzoo import registry
    for name in ('MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS',
                 'VISUALIZERS'):
        reg = getattr(registry, name)
        assert reg.scope == 'defectzoo'
        assert reg.parent is getattr(root, name)
        assert root.__dict__[name]._children['defectzoo'] is reg
        assert reg._locations, name
    # other libraries' modules are reachable by scope prefix
    from mmengine.registry import init_default_scope
    init_default_scope('defectzoo')
    assert registry.MODELS.get('mmpretrain.SimMIM').__name__ == 'SimMIM'
    assert registry.MODELS.get('mmdet.FasterRCNN').__name__ == 'FasterRCNN'
    assert registry.MODELS.get('mmseg.DiceLoss').__name__ == 'DiceLoss'
