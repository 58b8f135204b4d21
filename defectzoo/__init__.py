"""defectzoo: industrial defect detection as an OpenMMLab 2.x plugin.

Importing the package is what ``custom_imports=dict(imports=['defectzoo'])``
does: it checks the OpenMMLab versions, makes checkpoint loading work with
``torch.load(weights_only=True)`` (and registers ``zoo://``) and makes the
registries' modules reachable. It loads ``defectzoo.utils`` and
``defectzoo.version`` only: the registries import the rest when a config
first asks for a module (``register_all_modules``, which imports every
part, is :mod:`defectzoo.setup_env`).
"""
import mmcv
import mmengine
from mmengine.utils import digit_version

from .utils.checkpoint import enable_safe_checkpoint_loading
from .version import __version__

MMCV_MIN, MMCV_MAX = '2.0.0', '2.2.0'
MMENGINE_MIN = '0.10.0'

assert digit_version(MMCV_MIN) <= digit_version(mmcv.__version__) < \
    digit_version(MMCV_MAX), (
        f'defectzoo needs {MMCV_MIN} <= mmcv < {MMCV_MAX} (mmdet 3.3 and '
        f'mmseg 1.2 require it); found mmcv {mmcv.__version__}. See the '
        'install section of README.md.')
assert digit_version(MMENGINE_MIN) <= digit_version(mmengine.__version__), (
    f'defectzoo needs mmengine >= {MMENGINE_MIN}, found {mmengine.__version__}'
)

enable_safe_checkpoint_loading()

__all__ = ['__version__']
