"""Small-data protocol: train with k images per class, mean ± std over seeds.

:mod:`defectzoo.cli.small_data` (also ``defectzoo-small-data``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.small_data import main

if __name__ == '__main__':
    sys.exit(main())
