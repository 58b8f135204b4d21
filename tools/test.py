"""Test (evaluate) a checkpoint with the config's test dataloader/evaluator.

:mod:`defectzoo.cli.test` (also ``defectzoo-test``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.test import main

if __name__ == '__main__':
    sys.exit(main())
