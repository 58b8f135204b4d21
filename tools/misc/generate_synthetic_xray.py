"""Write the synthetic X-ray castings data set and a sample grid.

:mod:`defectzoo.cli.generate_synthetic_xray`
(also ``defectzoo-generate-synthetic-xray``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.generate_synthetic_xray import main

if __name__ == '__main__':
    sys.exit(main())
