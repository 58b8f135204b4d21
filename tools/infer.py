"""Run a trained model on new images and write an inspection report.

:mod:`defectzoo.cli.infer` (also ``defectzoo-infer``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.infer import main

if __name__ == '__main__':
    sys.exit(main())
