"""The benchmark scripts' options map to configs that exist, and their
defaults are the recorded runs (configs/*/README.md)."""
import importlib.util
import os.path as osp

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
        text = open(cfg).read()
        for dep in names:  # a zoo:// dependency is built before its user
            if f'zoo://{dep}' in text:
                assert names.index(dep) < names.index(name)
    assert bench.parse_args([]).release_dir is None
