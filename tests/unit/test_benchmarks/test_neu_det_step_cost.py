"""benchmarks/neu_det_step_cost.py times real training steps of the NEU-DET
configs it names, and the "lite" variant is the smaller model."""
import json

from tests.unit.test_benchmarks.test_benchmark_options import load


def test_variants_name_configs_and_one_round_writes_the_table(tmp_path):
    bench = load('neu_det_step_cost')
    names = list(bench.VARIANTS)
    assert bench.VARIANTS[names[-1]][0] == load('model_zoo').NEU_DET
    out = tmp_path / 'cost.json'
    full, lite = names[2], names[-1]  # 128 px full, 160 px lite
    bench.main([
        '--variants', full, lite, '--batch', '1', '--rounds', '2', '--warmup',
        '0', '--out',
        str(out)
    ])
    result = json.loads(out.read_text())
    table = result['tables']['steps']
    rows = {row[0]: row for row in table['rows']}
    assert list(rows) == [full, lite]
    assert rows[full][1] == '1 x 128 px' and rows[lite][1] == '1 x 160 px'
    assert float(rows[lite][2]) < float(rows[full][2])  # params (M)
    assert rows[full][5] == 1.0  # the reference's own ratio
    assert all(row[3] > 0 for row in rows.values())
    assert [len(t['cpu']) for t in result['times'].values()] == [2, 2]
