"""Rebuild the reference gallery of a gallery classifier from a folder.

:mod:`defectzoo.cli.build_gallery` (also ``defectzoo-build-gallery``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.build_gallery import main

if __name__ == '__main__':
    sys.exit(main())
