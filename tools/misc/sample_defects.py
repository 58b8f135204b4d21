"""Sample a synthetic defect data set from a trained Magna-Defect-GAN.

:mod:`defectzoo.cli.sample_defects` (also ``defectzoo-sample-defects``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.sample_defects import main

if __name__ == '__main__':
    sys.exit(main())
