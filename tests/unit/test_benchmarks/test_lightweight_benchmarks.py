"""The lightweight and CAM-energy benchmarks name configs that exist, and
the paper table comes from the metafile."""
import importlib.util
import os.path as osp

from mmengine.config import Config

from tests.conftest import CONFIGS, REPO_ROOT

BENCH = osp.join(REPO_ROOT, 'configs', 'distill', 'benchmarks')


def load(name):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO_ROOT, 'benchmarks', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lightweight_configs_exist_and_chain():
    bench = load('lightweight')
    names = [*bench.TEACHERS.values(), bench.STUDENT, bench.KD, bench.PRUNE]
    for name in names:
        assert osp.isfile(osp.join(BENCH, name + '.py')), name
    kd = Config.fromfile(osp.join(BENCH, bench.KD + '.py'))
    teachers = [t['config'] for t in kd.model.teachers]
    assert teachers == [
        f'configs/distill/benchmarks/{c}.py' for c in bench.TEACHERS.values()
    ]
    for teacher, name in zip(kd.model.teachers, bench.TEACHERS.values()):
        assert f'/{name}/epoch_' in teacher['checkpoint']
    prune = Config.fromfile(osp.join(BENCH, bench.PRUNE + '.py'))
    assert f'/{bench.STUDENT}/epoch_' in prune.load_from
    assert bench.parse_args([]).calib == 600  # the whole 100-shot subset


def test_paper_table_from_metafile():
    import os
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        table = load('lightweight').paper_table()
    finally:
        os.chdir(cwd)
    rows = {(r[0], r[1]): r for r in table['rows']}
    kd_int8 = rows[('ResNet-18 KD (CNN + Swin teachers)', 'INT8')]
    assert kd_int8[2] == 0.929 and kd_int8[4] == 3.60
    assert abs(kd_int8[5] - 15.25 / 3.60) < 1e-9


def test_cam_energy_configs_exist():
    for name in load('cam_energy').MODELS.values():
        assert osp.isfile(osp.join(BENCH, name + '.py')), name
    assert osp.isdir(CONFIGS)
