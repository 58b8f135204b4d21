"""Seed repeats: train and test a config with several seeds, mean ± std.

:mod:`defectzoo.cli.repeat_seeds` (also ``defectzoo-repeat-seeds``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.repeat_seeds import main

if __name__ == '__main__':
    sys.exit(main())
