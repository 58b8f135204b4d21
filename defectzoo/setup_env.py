"""Registry set-up: :func:`register_all_modules`.

The top of the package (layer 7 of CONTRIBUTING.md "Layers"): it imports
every part that registers modules. OpenMMLab libraries keep it in
``utils/setup_env.py`` with the imports inside the function; here ``utils``
is the bottom layer and imports nothing of defectzoo, so it lives above
everything (``from defectzoo.setup_env import register_all_modules``), and
``import defectzoo`` does not load it.
"""
import datetime
import warnings

from mmengine import DefaultScope

import defectzoo.apis  # noqa: F401
import defectzoo.datasets  # noqa: F401
import defectzoo.datasets.transforms  # noqa: F401
import defectzoo.engine  # noqa: F401
import defectzoo.evaluation  # noqa: F401
import defectzoo.models  # noqa: F401
import defectzoo.visualization  # noqa: F401


def register_all_modules(init_default_scope: bool = True) -> None:
    """Make sure every defectzoo module is in the registries (importing
    this module imported them all) and optionally set the default scope.

    Configs normally need none of this (registries import lazily through
    ``locations``); it is for scripts that build modules by name directly.

    Args:
        init_default_scope: also set the default scope to ``'defectzoo'``.
    """
    if not init_default_scope:
        return
    never_created = DefaultScope.get_current_instance() is None \
        or not DefaultScope.check_instance_created('defectzoo')
    if never_created:
        DefaultScope.get_instance('defectzoo', scope_name='defectzoo')
        return
    current_scope = DefaultScope.get_current_instance()
    if current_scope.scope_name != 'defectzoo':
        warnings.warn('The current default scope '
                      f'"{current_scope.scope_name}" is not "defectzoo", '
                      '`register_all_modules` will force the current '
                      'default scope to be "defectzoo".')
        new_instance_name = f'defectzoo-{datetime.datetime.now()}'
        DefaultScope.get_instance(new_instance_name, scope_name='defectzoo')
