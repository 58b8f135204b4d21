"""Configs parsed once per test process.

``Config.fromfile`` of a config with its ``_base_`` chain takes 0.1-0.3 s;
the config tests read each of the 126 configs in several tests. They call
:func:`load_config`, which parses a file once and hands out copies (a test
may change its copy).
"""
import copy
import functools
import os.path as osp

from mmengine.config import Config


@functools.lru_cache(maxsize=None)
def _parsed(path: str) -> Config:
    return Config.fromfile(path)


def load_config(path: str) -> Config:
    """A fresh copy of the parsed config at ``path``."""
    return copy.deepcopy(_parsed(osp.abspath(path)))
