"""Safe checkpoint loading under ``torch.load(weights_only=True)``.

PLACEHOLDER: implemented by the checkpoint work item.
"""


def enable_safe_checkpoint_loading() -> None:
    """Allow-list the types mmengine stores in checkpoints."""
