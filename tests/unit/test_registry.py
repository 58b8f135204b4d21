"""defectzoo's registries find bare names of mmdet / mmpretrain / mmseg."""
import pytest
from mmengine.registry import DefaultScope

from defectzoo.registry import HOOKS, METRICS, MODELS, TRANSFORMS


def test_own_names_first_then_mmengine():
    from defectzoo.models import SimMIMWithEval
    assert MODELS.get('SimMIMWithEval') is SimMIMWithEval
    # mmcv's transforms live in mmengine's root registry
    assert TRANSFORMS.get('LoadImageFromFile').__module__.startswith('mmcv')


def test_bare_name_of_exactly_one_library():
    from mmdet.engine.hooks import DetVisualizationHook
    from mmpretrain.engine.hooks import VisualizationHook
    from mmpretrain.evaluation import ConfusionMatrix
    assert METRICS.get('ConfusionMatrix') is ConfusionMatrix
    assert HOOKS.get('VisualizationHook') is VisualizationHook
    assert HOOKS.get('DetVisualizationHook') is DetVisualizationHook


def test_built_by_bare_name_under_defectzoo_scope():
    # what mmpretrain's confusion_matrix.py does to a defectzoo config
    from mmengine.registry import METRICS as ROOT_METRICS
    from mmpretrain.evaluation import ConfusionMatrix
    with DefaultScope.overwrite_default_scope('defectzoo'):
        metric = ROOT_METRICS.build(dict(type='ConfusionMatrix'))
    assert isinstance(metric, ConfusionMatrix)


def test_name_of_several_libraries_asks_for_a_prefix():
    with pytest.raises(KeyError, match='mmdet.ResNet, mmpretrain.ResNet'):
        MODELS.get('ResNet')


def test_unknown_name_is_none():
    assert MODELS.get('NoSuchModel') is None
    assert 'NoSuchModel' not in MODELS


def test_registry_comments_say_what_each_holds():
    """A registry whose comment in ``registry.py`` says it has "none of
    defectzoo's own" is empty, and every other one names each module
    registered in it (after every package that registers something is
    imported)."""
    import importlib
    import inspect
    import re

    import defectzoo.registry as registry
    for package in ('engine', 'datasets', 'datasets.transforms', 'models',
                    'evaluation', 'visualization', 'apis'):
        importlib.import_module(f'defectzoo.{package}')
    source = inspect.getsource(registry)
    blocks = re.findall(r'((?:^# .*\n)+)(\w+) = Registry\(', source, re.M)
    assert len(blocks) == len(registry.__all__)
    for comment, name in blocks:
        # defectzoo's own (test modules register some of theirs too)
        modules = [
            key for key, cls in getattr(registry, name).module_dict.items()
            if cls.__module__.startswith('defectzoo.')
        ]
        if "none of defectzoo's own" in comment:
            assert not modules, (name, sorted(modules))
        else:
            assert modules, (name, comment)
            named = set(re.findall(r'``(\w+)``', comment))
            assert not set(modules) - named, (name, set(modules) - named)
