"""OpenMMLab base-file conventions: only default_runtime.py sets the scope
and imports, so a user config of the usual four bases (model, dataset,
schedule, runtime) loads."""
import glob
import os.path as osp

import pytest

from tests.conftest import CONFIGS, write_config
from tests.helpers.config_cache import load_config

BASE = osp.join(CONFIGS, '_base_')
RUNTIME = osp.join(BASE, 'default_runtime.py')


def _bases(kind):
    return sorted(glob.glob(osp.join(BASE, kind, '*.py')))


DATASETS, MODELS, SCHEDULES = (_bases('datasets'), _bases('models'),
                               _bases('schedules'))
IDS = dict(ids=lambda p: osp.relpath(p, BASE))


@pytest.mark.parametrize('path', DATASETS + MODELS + SCHEDULES, **IDS)
def test_only_default_runtime_sets_scope_and_imports(path):
    cfg = load_config(path)
    assert 'default_scope' not in cfg and 'custom_imports' not in cfg


def test_default_runtime_sets_them_and_logs_often_on_a_cpu():
    cfg = load_config(RUNTIME)
    assert cfg.default_scope == 'defectzoo'
    assert cfg.custom_imports.imports == ['defectzoo']
    assert cfg.default_hooks.logger.interval <= 10


#: the Faster R-CNN model base (the first detector base of the folder)
DETECTOR = osp.join(BASE, 'models', 'faster-rcnn_r50_fpn_xray.py')


def _det_or_cls(dataset):
    """The model and schedule base of the dataset's task."""
    name = osp.basename(dataset)
    if '_det' in name or name.startswith('gdxray'):
        return DETECTOR, osp.join(BASE, 'schedules', 'det_sgd_1x.py')
    return (osp.join(BASE, 'models', 'scl-arcmargin_resnet50.py'),
            osp.join(BASE, 'schedules', 'adam_100e.py'))


def _four_bases(tmp_path, model, dataset, schedule):
    path = write_config(
        tmp_path / 'user.py', f"""
        _base_ = [{model!r}, {dataset!r}, {schedule!r}, {RUNTIME!r}]
        """)
    return load_config(path)


@pytest.mark.parametrize('dataset', DATASETS, **IDS)
def test_user_config_of_four_bases_loads_for_every_dataset(tmp_path, dataset):
    model, schedule = _det_or_cls(dataset)
    cfg = _four_bases(tmp_path, model, dataset, schedule)
    assert cfg.default_scope == 'defectzoo' and 'model' in cfg
    assert set(load_config(dataset)) <= set(cfg)


@pytest.mark.parametrize('base', MODELS + SCHEDULES, **IDS)
def test_user_config_of_four_bases_loads_for_every_model_and_schedule(
        tmp_path, base):
    model = base if base in MODELS else DETECTOR
    schedule = base if base in SCHEDULES else SCHEDULES[0]
    cfg = _four_bases(tmp_path, model, osp.join(BASE, 'datasets',
                                                'neu_det.py'), schedule)
    assert cfg.default_scope == 'defectzoo'
    assert 'optim_wrapper' in cfg and 'model' in cfg


def test_four_base_detector_builds(tmp_path):
    from mmengine.registry import init_default_scope

    from defectzoo.registry import MODELS as REGISTRY
    cfg = _four_bases(tmp_path, DETECTOR,
                      osp.join(BASE, 'datasets', 'neu_det.py'),
                      osp.join(BASE, 'schedules', 'det_sgd_1x.py'))
    init_default_scope(cfg.default_scope)
    model = REGISTRY.build(cfg.model)
    assert type(model).__name__ == 'FasterRCNN'
