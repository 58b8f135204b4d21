"""Write a seeded, stratified train / val / test split of NEU as id lists.

:mod:`defectzoo.cli.neu_split` (also ``defectzoo-neu-split``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.neu_split import main

if __name__ == '__main__':
    sys.exit(main())
