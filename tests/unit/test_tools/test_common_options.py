"""Options mean the same on every tool: each tool that reads a config
takes ``--data-root`` (and ``--cfg-options``), and ``load_config`` moves a
config's datasets the way ``tools/train.py`` / ``tools/test.py`` do."""
import ast
import glob
import os.path as osp

from defectzoo.apis import load_config
from tests.conftest import CONFIGS, REPO_ROOT


def _arguments(path):
    """Positional and optional argument names a command's argparse
    declares (``defectzoo/cli/<command>.py``; ``add_config_args``: both
    config options)."""
    names = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if not isinstance(node, ast.Call):
            continue
        if getattr(node.func, 'attr', None) == 'add_argument':
            names |= {
                a.value
                for a in node.args if isinstance(a, ast.Constant)
            }
        if getattr(node.func, 'id', None) == 'add_config_args':
            names |= {'--data-root', '--cfg-options'}
    return names


def test_every_config_tool_takes_data_root_and_cfg_options():
    tools = sorted(glob.glob(osp.join(REPO_ROOT, 'defectzoo', 'cli', '*.py')))
    config_tools = [t for t in tools if 'config' in _arguments(t)]
    assert len(config_tools) >= 12
    for tool in config_tools:
        names = _arguments(tool)
        missing = {'--data-root', '--cfg-options'} - names
        assert not missing, f'{osp.relpath(tool, REPO_ROOT)} lacks {missing}'


def test_load_config_moves_every_dataset_to_the_data_root(tmp_path):
    cfg = load_config(
        osp.join(
            CONFIGS, 'neu_det',
            'rtmdet_cspnext-tiny-neu-cls_1xb8-adamw-20e_neu-det-192px.py'),
        dict(train_dataloader=dict(batch_size=2)), str(tmp_path))
    root = osp.join(str(tmp_path), '')
    for split in ('train', 'val', 'test'):
        assert cfg[f'{split}_dataloader'].dataset.data_root.rstrip('/') == \
            root.rstrip('/')
    assert cfg.train_dataloader.batch_size == 2  # options after the root
