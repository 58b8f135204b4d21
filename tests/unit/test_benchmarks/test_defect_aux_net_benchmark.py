"""benchmarks/defect_aux_net.py: its configs and paper numbers exist, and
the latency measurement runs a repo config's test_step."""
import importlib.util
import os.path as osp

from tests.conftest import CONFIGS

BENCHMARKS = osp.join(osp.dirname(CONFIGS), 'benchmarks')


def load():
    spec = importlib.util.spec_from_file_location(
        'defect_aux_net_bench', osp.join(BENCHMARKS, 'defect_aux_net.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configs_and_paper_numbers_exist():
    bench = load()
    assert set(bench.FULL) == set(bench.BENCH)
    for name in bench.FULL.values():
        assert osp.isfile(osp.join(bench.CONFIGS, name + '.py')), name
    for name in bench.BENCH.values():
        assert osp.isfile(osp.join(bench.CONFIGS, 'benchmarks',
                                   name + '.py')), name
    paper = bench.paper_numbers()
    assert paper[bench.FULL['multi']][0]['Parameters (M)'] == 36.2
    assert paper[bench.FULL['multi']][1]['Accuracy'] == 97.1
    for key in ('cls', 'seg', 'det', 'multi'):
        assert paper[bench.FULL[key]][0]['Latency (s)'] > 0
    for key in ('none', 'se', 'sa'):
        assert paper[bench.FULL[key]][0]['Parameters (M)'] > 33
    args = bench.parse_args([])
    assert (args.size, args.part) == (600, 'all')


def test_latency_measurement_runs_test_step():
    bench = load()
    params, secs = bench.measure(
        bench.FULL['cls'], size=64, warmup=0, runs=1, timed=True)
    assert round(params, 2) == 23.51 and secs > 0
