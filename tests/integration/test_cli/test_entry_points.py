"""The console scripts of ``setup.py``: one per command of
``defectzoo/cli/``, each installed and resolving to the command's ``main``;
``defectzoo-train --help`` runs."""
import ast
import glob
import os.path as osp
import subprocess
import sys
from importlib.metadata import entry_points

from tests.conftest import REPO_ROOT


def declared_commands() -> tuple:
    """``COMMANDS`` of ``setup.py`` (read, not run)."""
    with open(osp.join(REPO_ROOT, 'setup.py'), encoding='utf-8') as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and \
                getattr(node.targets[0], 'id', None) == 'COMMANDS':
            return ast.literal_eval(node.value)
    raise AssertionError('setup.py has no COMMANDS')


def script(command: str) -> str:
    return 'defectzoo-' + command.replace('_', '-')


def test_every_command_module_is_a_console_script():
    modules = set()
    for path in glob.glob(osp.join(REPO_ROOT, 'defectzoo', 'cli', '*.py')):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        if any(
                isinstance(n, ast.FunctionDef) and n.name == 'main'
                for n in tree.body):
            modules.add(osp.splitext(osp.basename(path))[0])
    assert modules == set(declared_commands())


def test_console_scripts_resolve_to_main():
    installed = {
        ep.name: ep
        for ep in entry_points(group='console_scripts')
        if ep.name.startswith('defectzoo-')
    }
    expected = {script(c): c for c in declared_commands()}
    assert set(installed) == set(expected), (
        'the installed console scripts differ from setup.py: re-run '
        '`pip install -e . --no-deps --no-build-isolation`')
    for name, command in expected.items():
        assert installed[name].value == f'defectzoo.cli.{command}:main'
        assert callable(installed[name].load()), name


def test_train_help_runs():
    exe = osp.join(osp.dirname(sys.executable), script('train'))
    proc = subprocess.run([exe, '--help'],
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('usage: defectzoo-train'), proc.stdout
    assert '--data-root' in proc.stdout
