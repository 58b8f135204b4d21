"""Superimpose simulated 3-D ellipsoidal defects on your own radiographs.

:mod:`defectzoo.cli.superimpose_defects`
(also ``defectzoo-superimpose-defects``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.superimpose_defects import main

if __name__ == '__main__':
    sys.exit(main())
