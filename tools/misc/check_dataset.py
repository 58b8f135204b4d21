"""Check a config's datasets: read every image and mask, count the classes

:mod:`defectzoo.cli.check_dataset` (also ``defectzoo-check-dataset``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.check_dataset import main

if __name__ == '__main__':
    sys.exit(main())
