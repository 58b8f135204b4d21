"""The package's layers point one way (CONTRIBUTING.md, "Layers").

Read from the source with ``ast`` by ``tools/misc/import_graph.py`` (the
layer order is its ``LAYERS``): every import goes down the layers, no
defectzoo module is imported inside a function or class, the module graph
has no cycle, CONTRIBUTING.md's picture is the tool's current output, and
``import defectzoo.utils`` loads nothing above it.
"""
import importlib.util
import os
import os.path as osp
import re
import subprocess
import sys
import textwrap

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'misc', 'import_graph.py')
PICTURE = re.compile(
    r'<!-- import-graph[^>]*-->\n```mermaid\n(.*?)```\n<!-- /import-graph -->',
    re.S)


def _load_tool():
    spec = importlib.util.spec_from_file_location('dz_import_graph', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graph = _load_tool()


@pytest.fixture(scope='module')
def edges():
    return graph.imports()


def _edge_set(edges):
    return {(e.src, e.dst) for e in edges}


def test_every_part_has_a_layer(edges):
    parts = {graph.part(m) for m in graph.module_files()}
    assert parts <= set(graph.LAYERS), (
        f'parts without a layer: {sorted(parts - set(graph.LAYERS))} (add '
        'them to LAYERS in tools/misc/import_graph.py and to CONTRIBUTING.md)')


def test_imports_go_down_the_layers(edges):
    errors = graph.layer_errors(edges)
    assert not errors, 'imports against the layer order:\n' + '\n'.join(errors)


def test_no_defectzoo_import_inside_a_function_or_class(edges):
    errors = graph.local_import_errors(edges)
    assert not errors, 'function- / class-level imports:\n' + '\n'.join(errors)


def test_no_import_cycle(edges):
    cycle = graph.find_cycle(edges)
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_contributing_shows_the_current_graph(edges):
    with open(osp.join(REPO, 'CONTRIBUTING.md'), encoding='utf-8') as f:
        found = PICTURE.findall(f.read())
    assert len(found) == 1, 'CONTRIBUTING.md: no (or several) import-graph ' \
        'blocks'
    assert found[0] == graph.mermaid(edges), (
        'CONTRIBUTING.md "Layers": the picture is stale; paste the output of '
        'python tools/misc/import_graph.py')


def test_import_utils_loads_nothing_above_it():
    code = ('import sys, defectzoo.utils; print(" ".join(sorted(m for m in '
            'sys.modules if m.split(".")[0] == "defectzoo")))')
    out = subprocess.run([sys.executable, '-c', code],
                         cwd=REPO,
                         env=dict(os.environ, OMP_NUM_THREADS='1'),
                         capture_output=True,
                         text=True,
                         check=True).stdout.split()
    assert 'defectzoo.utils' in out
    above = [m for m in out if graph.LAYERS.get(graph.part(m), 99) > 0]
    # only the package __init__ itself, which loads layer 0 only
    assert above == ['defectzoo'], above
    for name in ('defectzoo.apis', 'defectzoo.models', 'defectzoo.datasets'):
        assert name not in out


# ---- the checker itself, on a small package ------------------------------
def _package(root, files):
    for name, text in files.items():
        path = osp.join(root, 'defectzoo', name)
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(textwrap.dedent(text))
    return str(root)


def test_imports_are_resolved(edges):
    found = _edge_set(edges)
    # from .evaluate import x (a module's sibling)
    assert ('defectzoo.deploy.detector', 'defectzoo.deploy.evaluate') in found
    # from . import inspection (a submodule named in ``from``)
    assert ('defectzoo.apis.base', 'defectzoo.apis.inspection') in found
    # from ..utils.build import x (two levels up)
    assert ('defectzoo.models.distill.kd_classifier',
            'defectzoo.models.utils.build') in found
    # from .checkpoint import x in a package __init__
    assert ('defectzoo.utils', 'defectzoo.utils.checkpoint') in found
    # import defectzoo.models (absolute, a package)
    assert ('defectzoo.setup_env', 'defectzoo.models') in found


def test_checker_reports_each_kind_of_problem(tmp_path):
    root = _package(
        tmp_path, {
            '__init__.py': 'from .utils import helper\n',
            'utils/__init__.py': '',
            'utils/helper.py': 'from defectzoo.apis import run\n',
            'models/__init__.py': 'from ..datasets import x\n',
            'datasets/__init__.py': '',
            'apis/__init__.py': 'from . import run\n',
            'apis/run.py': '''
                from . import other

                def main():
                    from defectzoo.models import y
                ''',
            'apis/other.py': 'from .run import main\n',
        })
    found = graph.imports(root)
    assert ('defectzoo', 'defectzoo.utils.helper') in _edge_set(found)
    assert graph.layer_errors(found) == [
        'defectzoo.models imports defectzoo.datasets (both in layer 2, whose '
        'parts import neither other)',
        'defectzoo.utils.helper imports defectzoo.apis.run (layer 6 above '
        'layer 0)'
    ]
    assert graph.local_import_errors(found) == [
        'defectzoo.apis.run:5 imports defectzoo.models inside a function or '
        'class (import it at module level)'
    ]
    assert graph.find_cycle(found) == [
        'defectzoo.apis.run', 'defectzoo.apis.other', 'defectzoo.apis.run'
    ]
