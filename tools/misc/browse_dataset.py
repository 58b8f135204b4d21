"""Write grids of annotated samples of a config's dataset as PNG files:

:mod:`defectzoo.cli.browse_dataset` (also ``defectzoo-browse-dataset``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.browse_dataset import main

if __name__ == '__main__':
    sys.exit(main())
