"""The import graph of the ``defectzoo`` package and its layer order.

The graph is read from the source with ``ast`` (nothing is imported):
every ``import`` / ``from ... import`` of a defectzoo module, relative
imports resolved, ``from a.b import c`` counted as importing ``a.b.c`` when
``c`` is a submodule. (Importing ``a.b.c`` also runs ``a/__init__`` and
``a/b/__init__``; those implicit parent imports are not edges.)

Examples::

    python tools/misc/import_graph.py            # mermaid picture
    python tools/misc/import_graph.py --edges    # package-level edges
    python tools/misc/import_graph.py --check    # exit 1 on a problem

The picture (``graph TD`` of the package-level edges) is the one in the
"Layers" section of CONTRIBUTING.md; ``tests/unit/test_layers.py`` checks that
the pasted copy equals this output and runs the checks of ``--check``:

1. every import goes down :data:`LAYERS` (a part of the package imports
   itself and lower layers only; two parts of one layer import neither
   other);
2. no import of a defectzoo module inside a function or class body
   (:data:`ALLOWED_LOCAL_IMPORTS`: the exceptions, none);
3. no import cycle between modules.
"""
import argparse
import ast
import os
import os.path as osp
import sys
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

PACKAGE = 'defectzoo'
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

#: The layer of each part of the package (its first name below
#: ``defectzoo``; ``defectzoo`` itself is the package's ``__init__``),
#: bottom (0) to top. A part may import itself and lower layers, never a
#: higher one nor another part of its own layer.
LAYERS: Dict[str, int] = {
    # 0: helpers that import nothing of defectzoo: checkpoint loading, the
    # model zoo files, data checks / splits / RLE, image grids, launching.
    'utils': 0,
    'version': 0,
    # 1: the package __init__ (``import defectzoo``: version checks, safe
    # checkpoint loading; it loads layer 0 only) and the registries
    # (mmengine child registries, lazy ``locations``).
    'defectzoo': 1,
    'registry': 1,
    # 2: what the registries hold; independent of one another.
    'datasets': 2,
    'evaluation': 2,
    'models': 2,
    # 3: export wrappers, quantisation (built on models).
    'deploy': 3,
    # 4: drawing: samples, CAMs (CAM uses the deploy wrappers).
    'visualization': 4,
    # 5: training hooks and optimizer constructors.
    'engine': 5,
    # 6: inferencers, reports, ``init_model`` re-exported for users.
    'apis': 6,
    # 7: what imports everything: ``register_all_modules``.
    'setup_env': 7,
    # 8: the command line (one module per tool); nothing imports it.
    'cli': 8,
}

#: ``(module, imported module)`` pairs allowed inside a function or class
#: body. Empty: a defectzoo import inside a function is a circle or an
#: upward import being dodged. (Optional third-party packages --
#: onnxruntime, pytorch_grad_cam, pycocotools -- may be imported in
#: functions; they are not defectzoo modules.)
ALLOWED_LOCAL_IMPORTS: frozenset = frozenset()


class Import(NamedTuple):
    src: str  # importing module
    dst: str  # imported defectzoo module
    line: int
    local: bool  # inside a function or class body


def module_files(root: str = REPO) -> Dict[str, Tuple[str, bool]]:
    """``{module name: (file, is a package __init__)}`` of the package."""
    modules = {}
    for dirpath, dirnames, filenames in os.walk(osp.join(root, PACKAGE)):
        dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
        for filename in sorted(filenames):
            if not filename.endswith('.py'):
                continue
            path = osp.join(dirpath, filename)
            parts = osp.relpath(path, root)[:-3].split(os.sep)
            is_pkg = parts[-1] == '__init__'
            modules['.'.join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return modules


def _targets(node: ast.AST, module: str, is_pkg: bool,
             modules: Dict[str, Tuple[str, bool]]) -> List[str]:
    """The defectzoo modules an import statement imports."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split('.')[0] == PACKAGE]
    if node.level:
        base = module.split('.') if is_pkg else module.split('.')[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = '.'.join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ''
    if target.split('.')[0] != PACKAGE:
        return []
    return [
        f'{target}.{a.name}' if f'{target}.{a.name}' in modules else target
        for a in node.names
    ]


def imports(root: str = REPO) -> List[Import]:
    """Every import of a defectzoo module in the package."""
    modules = module_files(root)
    found = []
    for module, (path, is_pkg) in modules.items():
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), path)

        def visit(node: ast.AST, local: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    found.extend(
                        Import(module, t, child.lineno, local)
                        for t in _targets(child, module, is_pkg, modules))
                visit(
                    child, local
                    or isinstance(child,
                                  (ast.FunctionDef, ast.AsyncFunctionDef,
                                   ast.ClassDef, ast.Lambda)))

        visit(tree, False)
    return found


def part(module: str) -> str:
    """The part of the package ``module`` belongs to (a key of
    :data:`LAYERS`)."""
    names = module.split('.')
    return names[1] if len(names) > 1 else names[0]


def layer_errors(edges: List[Import]) -> List[str]:
    """Imports that do not go down :data:`LAYERS`."""
    errors = []
    for e in edges:
        a, b = part(e.src), part(e.dst)
        if a == b:
            continue
        for p in (a, b):
            if p not in LAYERS:
                errors.append(
                    f'{e.src}:{e.line}: defectzoo.{p} has no layer '
                    '(add it to LAYERS in tools/misc/import_graph.py '
                    'and to CONTRIBUTING.md)')
        if a not in LAYERS or b not in LAYERS:
            continue
        la, lb = LAYERS[a], LAYERS[b]
        if lb > la:
            errors.append(f'{e.src} imports {e.dst} (layer {lb} above '
                          f'layer {la})')
        elif lb == la:
            errors.append(f'{e.src} imports {e.dst} (both in layer {la}, '
                          'whose parts import neither other)')
    return sorted(set(errors))


def local_import_errors(edges: List[Import]) -> List[str]:
    """Imports of defectzoo modules inside a function or class body."""
    return sorted({
        f'{e.src}:{e.line} imports {e.dst} inside a function or class '
        '(import it at module level)'
        for e in edges
        if e.local and (e.src, e.dst) not in ALLOWED_LOCAL_IMPORTS
    })


def find_cycle(edges: List[Import]) -> Optional[List[str]]:
    """One import cycle between modules (``[a, b, ..., a]``), or None."""
    graph: Dict[str, List[str]] = {}
    for e in edges:
        if e.src != e.dst:
            graph.setdefault(e.src, []).append(e.dst)
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(set(graph.get(node, ()))):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def package_edges(edges: List[Import]) -> List[Tuple[str, str]]:
    """The ``(importer, imported)`` parts of the package, importer above."""
    pairs = {(part(e.src), part(e.dst))
             for e in edges if part(e.src) != part(e.dst)}
    return sorted(
        pairs,
        key=lambda p:
        (-LAYERS.get(p[0], 99), p[0], -LAYERS.get(p[1], 99), p[1]))


def _node(name: str) -> str:
    label = f'{PACKAGE}/__init__' if name == PACKAGE else name
    return f'{name}["{label} ({LAYERS.get(name, "?")})"]'


def mermaid(edges: List[Import]) -> str:
    """A mermaid ``graph TD`` of the package-level edges: each part with its
    layer, an arrow from importer to imported."""
    pairs = package_edges(edges)
    used = {p for pair in pairs for p in pair}
    names = sorted(used, key=lambda p: (-LAYERS.get(p, 99), p))
    lines = ['graph TD'] + [f'    {_node(n)}' for n in names]
    lines += [f'    {a} --> {b}' for a, b in pairs]
    return '\n'.join(lines) + '\n'


def check(edges: List[Import]) -> List[str]:
    """Every problem: layer order, local imports, a cycle."""
    problems = layer_errors(edges) + local_import_errors(edges)
    cycle = find_cycle(edges)
    if cycle:
        problems.append('import cycle: ' + ' -> '.join(cycle))
    return problems


def iter_problems(root: str = REPO) -> Iterator[str]:
    yield from check(imports(root))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        '--edges',
        action='store_true',
        help='print the package-level edges (importer imported)')
    mode.add_argument(
        '--check',
        action='store_true',
        help='print layer / local-import / cycle problems; exit 1 if any')
    args = parser.parse_args(argv)
    edges = imports()
    if args.check:
        problems = check(edges)
        for p in problems:
            print(p)
        return 1 if problems else 0
    if args.edges:
        for a, b in package_edges(edges):
            print(f'{a} ({LAYERS.get(a, "?")}) -> {b} ({LAYERS.get(b, "?")})')
        return 0
    sys.stdout.write(mermaid(edges))
    return 0


if __name__ == '__main__':
    sys.exit(main())
