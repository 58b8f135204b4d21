"""Write the result tables of READMEs from the benchmarks' JSON.

Every benchmark writes ``benchmarks/results/<name>.json``::

    {"benchmark": "<name>", "command": "python benchmarks/<name>.py ...",
     "date": "YYYY-MM-DD", "machine": "2-core CPU, 1 thread",
     "tables": {"<table>": {"columns": ["model", "acc", ...],
                            "rows": [["ours", 0.93, ...], ...],
                            "note": "optional line under the table"}}}

and a README marks where each table goes::

    <!-- results:<name>:<table> -->
    (generated, replaced on every run)
    <!-- /results -->

``python benchmarks/render_tables.py`` fills every marked block in the
repository's Markdown files (``--check`` only reports stale blocks, exit 1).
A table is never typed in: edit the benchmark, re-run it, re-render.

Benchmarks write their result with :func:`write_result` and take the
paper's numbers from the paper's ``configs/<paper>/metafile.yml`` with
:func:`paper_metrics`. A result recorded before its benchmark ran through
this path carries ``"recorded": true`` and the command and date of the run
that produced it, until the benchmark next runs.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RESULTS = osp.join(ROOT, 'benchmarks', 'results')
BLOCK = re.compile(
    r'(<!-- results:(?P<name>[\w.-]+):(?P<table>[\w.-]+) -->\n)'
    r'(?P<body>.*?)(<!-- /results -->)', re.S)


def _cell(value):
    if isinstance(value, float):
        return f'{value:.4g}' if abs(value) < 1e4 else f'{value:.0f}'
    return '—' if value is None else str(value)


def render(result, table):
    """Markdown for one table of one benchmark result, with its provenance."""
    if table not in result.get('tables', {}):
        raise KeyError(f'benchmark {result.get("benchmark")!r} has no table '
                       f'{table!r} (has: {sorted(result.get("tables", {}))})')
    t = result['tables'][table]
    lines = [
        '| ' + ' | '.join(t['columns']) + ' |',
        '|' + '---|' * len(t['columns'])
    ]
    lines += [
        '| ' + ' | '.join(_cell(c) for c in row) + ' |' for row in t['rows']
    ]
    lines.append('')
    if t.get('note'):
        lines += [t['note'], '']
    # A benchmark run in parts stamps each table with its own provenance.
    date = t.get('date', result.get('date', 'undated'))
    machine = t.get('machine', result.get('machine', 'machine not recorded'))
    command = t.get('command', result['command'])
    # ``command_note``: how a recorded command reads today (renamed configs,
    # options of an earlier benchmark version), so nobody copies a dead one.
    note = t.get('command_note', result.get('command_note'))
    lines.append(f'Generated from `benchmarks/results/{result["benchmark"]}'
                 f'.json` ({date}, {machine}): `{command}`' +
                 (f' -- {note}' if note else ''))
    return '\n'.join(lines) + '\n'


# data folders of this machine -> the placeholders the docs use
_DATA_PLACEHOLDERS = (('neu-det', 'NEU-DET'), ('magnetic-tile',
                                               'MAGNETIC_TILE'))


def public_paths(obj):
    """``obj`` (str / list / dict) with this machine's data folders
    (``../shared/datasets/<set>``, absolute or relative) as the placeholders
    the docs use (``NEU-DET``, ``MAGNETIC_TILE``, ``DATA``)."""
    if isinstance(obj, dict):
        return {k: public_paths(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [public_paths(v) for v in obj]
    if not isinstance(obj, str) or 'shared' not in obj:
        return obj
    for folder, name in _DATA_PLACEHOLDERS:
        obj = re.sub(r'[\w./-]*shared/datasets/' + folder, name, obj)
    return re.sub(r'[\w./-]*shared/datasets/[\w.-]+', 'DATA', obj)


def write_result(name, command, tables, machine, date=None, out=None, **extra):
    """Write a benchmark's result JSON -- ``benchmarks/results/<name>.json``
    or ``out`` -- (``tables``: ``{table: {columns, rows, note}}``; ``extra``:
    more top-level keys); returns its path. Every benchmark writes through
    here, so every result has the same keys (and no path of this
    machine's data folders: :func:`public_paths`)."""
    import datetime
    command, tables, extra = map(public_paths, (command, tables, extra))
    result = dict(
        benchmark=name,
        command=command,
        date=date or datetime.date.today().isoformat(),
        machine=machine,
        tables=tables,
        **extra)
    path = out or osp.join(RESULTS, f'{name}.json')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write('\n')
    return path


def paper_metrics(paper, model=None):
    """``{model name: {dataset: {metric: value}}}`` of the "Paper Results"
    in ``configs/<paper>/metafile.yml`` (one model's dict if ``model``)."""
    from mmengine.fileio import load as load_yaml
    meta = load_yaml(osp.join(ROOT, 'configs', paper, 'metafile.yml'))
    out = {}
    for entry in meta.get('Models', []):
        out[entry['Name']] = {
            r['Dataset']: dict(r['Metrics'])
            for r in entry.get('Paper Results') or []
        }
    if model is not None:
        if model not in out:
            raise KeyError(f'configs/{paper}/metafile.yml has no model '
                           f'{model!r}')
        return out[model]
    return out


def load(name):
    """The result of benchmark ``name`` (or the result file ``name``)."""
    path = name if name.endswith('.json') else osp.join(
        RESULTS, f'{name}.json')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no result for benchmark {name!r}; '
                                f'run benchmarks/{name}.py first')
    with open(path) as f:
        return json.load(f)


def fill(text):
    """Return ``text`` with every results block regenerated."""
    return BLOCK.sub(
        lambda m: m.group(1) + render(load(m['name']), m['table']) + m.group(
            5), text)


def markdown_files():
    return sorted(
        p for p in glob.glob(osp.join(ROOT, '**', '*.md'), recursive=True)
        if '/.' not in osp.relpath(p, ROOT) and 'work_dirs' not in p)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--check',
        action='store_true',
        help='report stale tables instead of writing them')
    args = parser.parse_args(argv)
    stale = []
    for path in markdown_files():
        with open(path, encoding='utf-8') as f:
            text = f.read()
        new = fill(text)
        if new != text:
            stale.append(osp.relpath(path, ROOT))
            if not args.check:
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(new)
    verb = 'stale' if args.check else 'rewritten'
    print(f'{len(stale)} file(s) {verb}' +
          (': ' + ', '.join(stale) if stale else ''))
    return 1 if args.check and stale else 0


if __name__ == '__main__':
    sys.exit(main())
