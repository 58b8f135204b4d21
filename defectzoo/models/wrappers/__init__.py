"""Model wrappers."""
from .cpu_ddp import CPUDistributedDataParallel

__all__ = ['CPUDistributedDataParallel']
