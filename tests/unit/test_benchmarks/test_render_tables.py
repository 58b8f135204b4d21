"""README result tables are generated from benchmark JSON, never typed."""
import json

from tests.unit.test_benchmarks.test_benchmark_options import load


def test_fill_replaces_marked_block_with_table_and_provenance(
        tmp_path, monkeypatch):
    render = load('render_tables')
    monkeypatch.setattr(render, 'RESULTS', str(tmp_path))
    (tmp_path / 'demo.json').write_text(
        json.dumps({
            'benchmark': 'demo',
            'command': 'python benchmarks/demo.py --fast',
            'date': '2026-11-30',
            'machine': '2-core CPU',
            'tables': {
                'main': {
                    'columns': ['model', 'acc'],
                    'rows': [['ours', 0.91234], ['paper', None]]
                }
            }
        }))
    text = ('# R\n<!-- results:demo:main -->\nold typed table\n'
            '<!-- /results -->\nafter\n')
    out = render.fill(text)
    assert 'old typed table' not in out
    assert '| ours | 0.9123 |' in out and '| paper | — |' in out
    assert '`python benchmarks/demo.py --fast`' in out and '2026-11-30' in out
    assert out.endswith('<!-- /results -->\nafter\n')
    assert render.fill(out) == out  # idempotent


def test_missing_result_or_table_names_what_is_missing(tmp_path, monkeypatch):
    render = load('render_tables')
    monkeypatch.setattr(render, 'RESULTS', str(tmp_path))
    import pytest
    with pytest.raises(FileNotFoundError, match='nothing'):
        render.fill('<!-- results:nothing:t -->\n<!-- /results -->')
    (tmp_path / 'demo.json').write_text(
        json.dumps({
            'benchmark': 'demo',
            'command': 'c',
            'tables': {}
        }))
    with pytest.raises(KeyError, match='no table'):
        render.fill('<!-- results:demo:t -->\n<!-- /results -->')


def test_results_name_data_folders_by_placeholder(tmp_path):
    """A benchmark run with this machine's data folders records the docs'
    placeholders: no path outside the repository reaches a README."""
    rt = load('render_tables')
    path = rt.write_result(
        'x', 'python b.py --data-root ../shared/datasets/magnetic-tile '
        '--neu-root /work/shared/datasets/neu-det/IMAGES',
        dict(t=dict(columns=['a'], rows=[['../shared/datasets/gc10/x']])),
        'cpu',
        out=str(tmp_path / 'x.json'),
        root='../shared/datasets/neu-det')
    with open(path) as f:
        result = json.load(f)
    assert result['command'] == ('python b.py --data-root MAGNETIC_TILE '
                                 '--neu-root NEU-DET/IMAGES')
    assert result['tables']['t']['rows'] == [['DATA/x']]
    assert result['root'] == 'NEU-DET'
    assert 'shared' not in json.dumps(result)
