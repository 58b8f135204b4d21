"""benchmarks/magna_defect_gan.py: its configs exist and a stopped run
still writes a renderable result."""
import importlib.util
import json
import os.path as osp

from tests.conftest import REPO_ROOT


def load():
    spec = importlib.util.spec_from_file_location(
        'bench', osp.join(REPO_ROOT, 'benchmarks', 'magna_defect_gan.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_configs_exist():
    bench = load()
    for name in list(bench.GAN.values()) + [
            bench.CLS.format(p) for p in ('', 'aug-', 'mixed-')
    ]:
        assert osp.isfile(osp.join(bench.CFG, name)), name


def test_partial_results_are_marked_and_render(tmp_path):
    bench = load()
    args = bench.parse_args(
        ['--out', str(tmp_path / 'r.json'), '--seeds', '0', '1'])
    rec = {
        'accuracy/top1': 80.0,
        'single-label/f1-score': 70.0,
        'wall_s': 10.0
    }
    bench.write_tables(args, [], {},
                       {'a': [rec, dict(rec, **{'accuracy/top1': 90.0})]},
                       {'a': 20.0}, 30.0, False)
    out = json.load(open(tmp_path / 'r.json'))
    assert out['complete'] is False
    rows = {r[0]: r for r in out['tables']['downstream']['rows']}
    assert rows['(a) originals only'][1] == '0.850 ± 0.071'
    assert rows['(b) classic augmentation'][1] == 'not measured'
    assert out['tables']['quality']['rows'][0][1] == 'not measured'
    assert rows['(a) originals only'][5] == 0.808  # from the metafile
    import sys
    sys.path.insert(0, osp.join(REPO_ROOT, 'benchmarks'))
    from render_tables import render
    assert '| (b) classic augmentation | not measured |' in render(
        out, 'downstream')
