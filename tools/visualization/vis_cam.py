"""Class activation maps of a classifier (or of Defect-Aux-Net's

:mod:`defectzoo.cli.vis_cam` (also ``defectzoo-vis-cam``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.vis_cam import main

if __name__ == '__main__':
    sys.exit(main())
