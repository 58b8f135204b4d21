"""``--data-root`` and ``--cfg-options``: declared alike on every tool,
checked before anything is built."""
import argparse
import difflib

from mmengine.config import Config, DictAction

#: Top-level config keys that ``Runner.from_cfg`` (and mmengine's Config,
#: the stock tools) read. Any other top-level key is a config *variable*:
#: its value was copied where it is used when the file was parsed, so
#: setting it afterwards with ``--cfg-options`` changes nothing.
RUNNER_KEYS = frozenset({
    'model', 'work_dir', 'experiment_name', 'train_dataloader',
    'val_dataloader', 'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg',
    'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor',
    'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'cfg', 'custom_imports',
    'model_wrapper_cfg', 'runner_type', 'compile', 'strategy', 'tta_model',
    'tta_pipeline', 'gpu_ids', 'vis_backends'
})


def add_config_args(parser: argparse.ArgumentParser,
                    example: str = 'test_dataloader.batch_size=1') -> None:
    """``--data-root`` and ``--cfg-options`` (``example``: of the latter's
    help), as every tool that reads a config takes them."""
    parser.add_argument(
        '--data-root',
        help="move every dataloader's dataset and every evaluator of the "
        'config to this data root (dataset data_root, and the paths under '
        "the old root such as an evaluator's ann_file)")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help=f'override config settings, e.g. {example}')


def check_cfg_options(cfg: Config, options: dict, extra_top_level_keys=()):
    """Refuse ``--cfg-options`` that would not do what they say.

    * a key that looks like a typo of an existing key (mmengine adds unknown
      keys silently, so ``train_dataloader.bach_size=4`` would only fail
      later inside the DataLoader): a new key close to an existing sibling
      (difflib ratio >= 0.8) is reported with the suggestion; genuinely new
      keys (e.g. ``model.backbone.drop_path_rate``) are accepted;
    * a top-level key that nothing reads (``data_root=X``, ``batch_size=N``,
      ``train_pipeline=...``): config variables were substituted when the
      file was parsed, so changing them afterwards does nothing. Accepted
      top-level keys: :data:`RUNNER_KEYS`, keys whose name is a value of
      the config (a hook's ``dataloader='gallery_dataloader'``) and
      ``extra_top_level_keys`` (keys a tool reads itself);
    * a value that is not a number where the config has a number
      (``optim_wrapper.optimizer.lr=abc``), naming the key.
    """
    top_level = RUNNER_KEYS | set(extra_top_level_keys)
    for key, value in (options or {}).items():
        parts = key.split('.')
        if parts[0] not in top_level and not _named_in_config(cfg, parts[0]):
            uses = _paths_with_value(cfg, parts[0])
            hint = (f' Its value is used at {", ".join(uses[:6])}: set '
                    'those keys instead'
                    if uses else ' Set the key where it is used (e.g. '
                    'train_dataloader.batch_size)')
            if parts[0] in ('data_root', 'data_prefix'):
                hint += ', or use --data-root'
            raise SystemExit(
                f'--cfg-options {key}: {parts[0]!r} is not read by the '
                'Runner; a config variable is copied where it is used when '
                'the config file is parsed, so changing it afterwards would '
                f'do nothing.{hint}.')
        node, found = cfg._cfg_dict, True
        for depth, part in enumerate(parts):
            if isinstance(node, (list, tuple)) and part.isdigit():
                node = node[int(part)] if int(part) < len(node) else None
                continue
            if isinstance(node, dict) and part in node:
                node = node.get(part)
                continue
            found = False
            if not isinstance(node, dict):
                break
            close = difflib.get_close_matches(
                part, list(node), n=1, cutoff=0.8)
            if close:
                where = '.'.join(parts[:depth] + [close[0]])
                raise SystemExit(
                    f'--cfg-options: unknown config key {key!r}; did you '
                    f'mean {where!r}? (the config has no '
                    f'{".".join(parts[:depth + 1])!r})')
            break
        if found and isinstance(node, (int, float)) and not isinstance(
                node, bool) and not isinstance(value, (int, float)):
            raise SystemExit(
                f'--cfg-options {key}={value}: {parts[-1]!r} must be a '
                f'number (the config has {node!r}), got {value!r}')


def _paths_with_value(cfg: Config, key: str, limit: int = 6) -> list:
    """Dotted paths of the config (other than ``key`` itself) that hold the
    value of the top-level ``key`` (strings: also as the start of a
    longer one, e.g. ``data_root + 'annotations/...'``)."""
    value = cfg.get(key)
    if value is None or value == '' or value == [] or value == {}:
        return []
    found = []

    def visit(node, path):
        if len(found) >= limit or path == key:
            return
        if path and (node == value or
                     (isinstance(value, str) and isinstance(node, str)
                      and node.startswith(value))):
            found.append(path)
        elif isinstance(node, dict):
            for k, v in node.items():
                visit(v, f'{path}.{k}' if path else str(k))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                visit(v, f'{path}.{i}')

    visit(cfg._cfg_dict.to_dict(), '')
    return found


def _named_in_config(cfg: Config, name: str) -> bool:
    """Whether a string value of the config is ``name`` (a hook reading
    ``runner.cfg[name]``, e.g. ``ReferenceGalleryHook(dataloader=...)``)."""

    def visit(node):
        if isinstance(node, dict):
            return any(visit(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return any(visit(v) for v in node)
        return node == name

    return visit({
        k: v
        for k, v in cfg._cfg_dict.to_dict().items() if k != name
    })
