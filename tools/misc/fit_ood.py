"""Fit the out-of-distribution statistics of a model and store them in its

:mod:`defectzoo.cli.fit_ood` (also ``defectzoo-fit-ood``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.fit_ood import main

if __name__ == '__main__':
    sys.exit(main())
