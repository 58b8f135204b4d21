"""Publish a checkpoint the OpenMMLab way (port of mmpretrain's

:mod:`defectzoo.cli.publish_model` (also ``defectzoo-publish-model``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.publish_model import main

if __name__ == '__main__':
    sys.exit(main())
