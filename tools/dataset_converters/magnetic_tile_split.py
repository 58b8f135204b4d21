"""Write a seeded train / val / test split of the magnetic-tile dataset.

:mod:`defectzoo.cli.magnetic_tile_split`
(also ``defectzoo-magnetic-tile-split``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.magnetic_tile_split import main

if __name__ == '__main__':
    sys.exit(main())
