"""Stratified k-fold cross-validation of a classification config.

:mod:`defectzoo.cli.kfold` (also ``defectzoo-kfold``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.kfold import main

if __name__ == '__main__':
    sys.exit(main())
