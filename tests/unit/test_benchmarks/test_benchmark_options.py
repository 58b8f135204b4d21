"""The benchmark scripts' options map to configs that exist, and their
defaults are the recorded runs (configs/*/README.md)."""
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import CONFIGS

BENCHMARKS = osp.join(osp.dirname(CONFIGS), 'benchmarks')


def load(name):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(BENCHMARKS, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('recipe', ['96px', 'native'])
def test_scl_arcmargin_recipes_name_existing_configs(recipe):
    bench = load('scl_arcmargin_neu')
    args = bench.parse_args(['--recipe', recipe])
    for key in ('simclr', 'scl', 'ce', 'few_shot'):
        assert osp.isfile(args.cfg[key]), args.cfg[key]
    assert args.work_dir.endswith('bench_scl_arcmargin' +
                                  ('' if recipe == '96px' else '_native'))
    assert bench.parse_args([]).recipe == '96px'


def test_mvgg19_defaults_per_init():
    bench = load('mvgg19_magnetic_tile')
    assert osp.isfile(osp.join(bench.REPO_ROOT, bench.NEU_BASE_CFG))
    for init, configs in bench.CONFIGS.items():
        assert set(configs) == {'MVGG19', 'VGG19'}
        for cfg in configs.values():
            assert osp.isfile(osp.join(bench.REPO_ROOT, bench.BENCH_CFG,
                                       cfg)), (init, cfg)
    args = bench.parse_args([])
    assert (args.init, args.folds, args.img_size) == ('neu-pretrained', 5, 96)
    assert args.work_dir.endswith('mvgg19_magnetic_tile_neu-pretrained')
    args = bench.parse_args(['--init', 'random-frozen'])
    assert args.work_dir.endswith('mvgg19_magnetic_tile')
    args = bench.parse_args(['--init', 'scratch'])
    assert (args.folds, args.img_size) == (3, 64)


def test_model_zoo_names_existing_configs_in_dependency_order():
    bench = load('model_zoo')
    names = list(bench.ZOO)
    for name in names:
        cfg = osp.join(osp.dirname(CONFIGS), bench.config_of(name))
        assert osp.isfile(cfg), cfg
        for dep in bench.dependencies(name):  # built before its user
            assert names.index(dep) < names.index(name)
    # found through _base_ too: the magnetic-tile config inherits its
    # zoo:// backbone (a build once trained it before that was published)
    assert bench.dependencies(bench.MT_CLS) == [bench.NEU_CLS]
    assert bench.dependencies(bench.NEU_DET) == [bench.NEU_CLS]
    assert bench.dependencies(bench.NEU_CLS) == []
    assert bench.parse_args([]).release_dir is None


def test_model_zoo_cpu_isa_pins_the_kernels_of_the_tools():
    bench = load('model_zoo')
    assert bench.parse_args([]).cpu_isa == 'native'  # the release's
    assert bench.CPU_ISA['native'] == {}
    env = dict(os.environ, **bench.CPU_ISA['avx2'])
    out = subprocess.run([
        sys.executable, '-c',
        'import torch; print(torch.backends.cpu.get_cpu_capability())'
    ],
                         env=env,
                         capture_output=True,
                         text=True,
                         check=True).stdout
    assert out.strip() == 'AVX2'
    assert bench.cpu_kernels('avx2') == 'AVX2 kernels (--cpu-isa avx2)'


def test_xray_superimposed_names_existing_configs_and_its_table():
    bench = load('xray_superimposed')
    for cfg in (bench.DET, bench.DET_SSL, bench.DET_UPPER, bench.SSL):
        assert osp.isfile(osp.join(bench.ROOT, cfg)), cfg
    assert bench.schedule_options(None) == []
    opts = bench.schedule_options(800)
    assert 'train_cfg.max_iters=800' in opts
    assert 'param_scheduler.1.T_max=400' in opts

    def run(ap, cpu):
        return (dict(cpu_s=cpu, wall_s=cpu), {
            'det/AP50_voc': ap,
            'det/AP50_coco': ap,
            'det/AP_coco': ap / 2,
            'det/recall_defect': ap
        })

    results = dict(
        ssl=run(0.72, 600),
        random=run(0.6, 600),
        upper=run(0.8, 600),
        ssl_train=dict(cpu_s=300))

    class Curve:

        def curve(self):
            return [(200, 0.1), (400, 0.5)]

    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(bench.ROOT, bench.DET))
    tables = bench.tables(results, dict.fromkeys(results, Curve()), cfg)
    rows = tables['summary']['rows']
    assert [r[6] for r in rows] == [0.9, 0.75, 1.0]  # AP50 / upper
    assert rows[0][7] == 15.0  # SSL CPU minutes counted in its row
    assert tables['curves']['columns'][1:] == [
        'AP50 @ iter 200', 'AP50 @ iter 400'
    ]
