"""Train a model from a config (the stock OpenMMLab launcher, mmengine Runner).

:mod:`defectzoo.cli.train` (also ``defectzoo-train``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.train import main

if __name__ == '__main__':
    sys.exit(main())
