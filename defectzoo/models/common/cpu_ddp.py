"""DistributedDataParallel for CPU-only machines (gloo backend)."""
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm

from defectzoo.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """mmengine's DDP wrapper for processes without a GPU.

    DDP on the CPU takes no ``device_ids``, and ``SyncBatchNorm`` (the
    default of mmpretrain's SimSiam/MoCo necks) only runs on GPUs, so its
    layers become per-process BatchNorm, as mmengine does for
    non-distributed runs. ``tools/train.py --launcher pytorch`` selects this
    wrapper when no GPU is visible.
    """

    def __init__(self, module, **kwargs):
        kwargs['device_ids'] = None
        kwargs.pop('output_device', None)
        super().__init__(module=revert_sync_batchnorm(module), **kwargs)
