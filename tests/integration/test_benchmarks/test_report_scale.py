"""benchmarks/report_scale.py end to end on a tiny fake run (no
browser): one row per size, through render_tables.write_result."""
from tests.unit.test_benchmarks.test_benchmark_options import load


def test_report_scale_table(tmp_path):
    bench = load('report_scale')
    result = bench.main(
        ['--sizes', '20', '--no-browser', '--out',
         str(tmp_path / 'r.json')])
    table = result['tables']['scale']
    (row, ) = table['rows']
    assert len(row) == len(table['columns'])
    assert row[0] == 20 and row[2] >= 0
    assert row[3] >= row[4] > 0  # peak RSS writing >= after imports
    assert row[8:] == [None] * 5  # no browser measurements
    assert result['command'].endswith('--sizes 20 --no-browser --out ' +
                                      str(tmp_path / 'r.json'))
