"""The small-data protocol's draws: ``k`` training images per class.

The runs of ``tools/analysis_tools/small_data.py`` (the repeated-run
protocol, :mod:`defectzoo.evaluation.repeated_runs`) differ only in the
``k`` and ``seed`` of the config's
:class:`~defectzoo.datasets.subset.KPerClassSubset` dicts (the SCL paper's
"mean of 10 runs" of 10 / 20 / 50 images per class).
"""

SUBSET_TYPE = 'KPerClassSubset'


def _is_subset_type(t) -> bool:
    if isinstance(t, str):
        return t.split('.')[-1] == SUBSET_TYPE
    return getattr(t, '__name__', None) == SUBSET_TYPE


def set_subset_args(cfg, k: int, seed: int) -> int:
    """Set ``k`` and ``seed`` of every ``KPerClassSubset`` dict in ``cfg``
    (a Config, dict or list, walked recursively: dataloaders, dataset
    wrappers, hooks' gallery datasets, ...), in place.

    Returns:
        the number of ``KPerClassSubset`` dicts changed.
    """
    count = 0
    if isinstance(cfg, dict) or hasattr(cfg, '_cfg_dict'):
        if _is_subset_type(cfg.get('type')):
            cfg['k'] = int(k)
            cfg['seed'] = int(seed)
            count += 1
        for value in cfg.values():
            count += set_subset_args(value, k, seed)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            count += set_subset_args(value, k, seed)
    return count
