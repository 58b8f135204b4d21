"""Convert the Severstal CSV (RLE masks) into class-index mask PNGs.

:mod:`defectzoo.cli.severstal_to_masks`
(also ``defectzoo-severstal-to-masks``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.severstal_to_masks import main

if __name__ == '__main__':
    sys.exit(main())
