"""Convert an mmpretrain self-supervised checkpoint (SimMIM Swin, SimSiam

:mod:`defectzoo.cli.selfsup_to_det` (also ``defectzoo-selfsup-to-det``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.selfsup_to_det import main

if __name__ == '__main__':
    sys.exit(main())
